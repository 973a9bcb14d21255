"""Least-squares GAN losses (Mao et al., ICCV 2017, arXiv 1611.04076) with 1/0 targets."""
import torch
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['lsgan_d_loss', 'lsgan_g_loss', 'LSGANDiscriminatorLoss', 'LSGANGeneratorLoss']


def _mean(x: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == 'mean':
        return x.mean()
    if reduction == 'none':
        return x.flatten(1).mean(1)
    raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")


_REDUCTIONS = ('mean', 'none')


def _per_sample(score: torch.Tensor) -> torch.Tensor:
    """(N, ...) -> (N, ): the mean over everything but the batch dimension."""
    return score.reshape(len(score), -1).mean(dim=1)


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f'reduction must be one of {_REDUCTIONS}, got {reduction!r}')


def lsgan_d_loss(real_score: torch.Tensor, fake_score: torch.Tensor,
                 reduction: str = 'mean') -> torch.Tensor:
    """Discriminator side: ``mean (1 - D(real))^2 + mean D(fake)^2``.

    Args:
        real_score (Tensor): Discriminator output on "real" inputs, any shape (a score per
            sample (N, 1) or a score map (N, 1, H, W)).
        fake_score (Tensor): Discriminator output on "fake" inputs, any shape.
        reduction (str): ``'mean'`` (a scalar) or ``'none'`` (one value per sample, (N, ):
            each side averaged over its non-batch dimensions; real and fake then pair up
            sample by sample). Defaults to ``'mean'``.

    Returns:
        Tensor: scalar loss, or (N, ) with ``reduction='none'``.
    """
    _check_reduction(reduction)
    if reduction == 'mean':
        return (1 - real_score).pow(2).mean() + fake_score.pow(2).mean()
    if len(real_score) != len(fake_score):
        raise ValueError(f"reduction='none' pairs real and fake scores per sample, got "
                         f'{len(real_score)} real and {len(fake_score)} fake samples')
    return _per_sample((1 - real_score).pow(2)) + _per_sample(fake_score.pow(2))


def lsgan_g_loss(fake_score: torch.Tensor, reduction: str = 'mean') -> torch.Tensor:
    """Generator side: ``mean (1 - D(fake))^2``; the generator wants its output judged real.

    Args:
        fake_score (Tensor): Discriminator output on the generator's output, any shape.
        reduction (str): ``'mean'`` (a scalar) or ``'none'`` ((N, ), the mean over each
            sample's scores). Defaults to ``'mean'``.

    Returns:
        Tensor: scalar loss, or (N, ) with ``reduction='none'``.
    """
    _check_reduction(reduction)
    loss = (1 - fake_score).pow(2)
    return loss.mean() if reduction == 'mean' else _per_sample(loss)


class _LSGANLoss(nn.Module):
    """``loss_weight`` and ``reduction`` of the two LSGAN loss modules."""

    def __init__(self, loss_weight: float = 1.0, reduction: str = 'mean'):
        super().__init__()
        _check_reduction(reduction)
        self.loss_weight, self.reduction = float(loss_weight), reduction

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}, reduction={self.reduction!r}'


@MODELS.register_module()
class LSGANDiscriminatorLoss(_LSGANLoss):
    """LSGAN discriminator loss, ``loss_weight * lsgan_d_loss(real, fake, reduction)``.

    Args:
        loss_weight (float): Defaults to 1.0.
        reduction (str): ``'mean'`` or ``'none'`` (per sample). Defaults to ``'mean'``.
    """

    def forward(self, real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
        """Scores of any shape -> scalar, or (N, ) with ``reduction='none'``."""
        return self.loss_weight * lsgan_d_loss(real_score, fake_score, self.reduction)


@MODELS.register_module()
class LSGANGeneratorLoss(_LSGANLoss):
    """LSGAN generator loss, ``loss_weight * lsgan_g_loss(fake, reduction)``.

    Args:
        loss_weight (float): Defaults to 1.0.
        reduction (str): ``'mean'`` or ``'none'`` (per sample). Defaults to ``'mean'``.
    """

    def forward(self, fake_score: torch.Tensor) -> torch.Tensor:
        """Score of any shape -> scalar, or (N, ) with ``reduction='none'``."""
        return self.loss_weight * lsgan_g_loss(fake_score, self.reduction)
