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


def lsgan_d_loss(real_score: torch.Tensor, fake_score: torch.Tensor,
                 reduction: str = 'mean') -> torch.Tensor:
    """Discriminator side: ``mean (1 - D(real))^2 + mean D(fake)^2``.

    Args:
        real_score (Tensor): Discriminator output on "real" inputs, any shape (a score per
            sample (N, 1) or a score map (N, 1, H, W)).
        fake_score (Tensor): Discriminator output on "fake" inputs, any shape.
        reduction (str): ``'mean'`` or ``'none'``: means over each sample's scores, (N, ),
            for scores of equal batch size. Defaults to ``'mean'``.

    Returns:
        Tensor: scalar loss, or (N, ) with ``reduction='none'``.
    """
    return _mean((1 - real_score).pow(2), reduction) + _mean(fake_score.pow(2), reduction)


def lsgan_g_loss(fake_score: torch.Tensor, reduction: str = 'mean') -> torch.Tensor:
    """Generator side: ``mean (1 - D(fake))^2``; the generator wants its output judged real.

    Args:
        fake_score (Tensor): Discriminator output on the generator's output, any shape.
        reduction (str): ``'mean'`` or ``'none'`` (a mean per sample, (N, )). Defaults to
            ``'mean'``.

    Returns:
        Tensor: scalar loss, or (N, ) with ``reduction='none'``.
    """
    return _mean((1 - fake_score).pow(2), reduction)


@MODELS.register_module()
class LSGANDiscriminatorLoss(nn.Module):
    """LSGAN discriminator loss, ``loss_weight * lsgan_d_loss(real, fake)``.

    Args:
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = float(loss_weight)

    def forward(self, real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
        """Scores of any shape -> scalar."""
        return self.loss_weight * lsgan_d_loss(real_score, fake_score)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'


@MODELS.register_module()
class LSGANGeneratorLoss(nn.Module):
    """LSGAN generator loss, ``loss_weight * lsgan_g_loss(fake)``.

    Args:
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = float(loss_weight)

    def forward(self, fake_score: torch.Tensor) -> torch.Tensor:
        """Score of any shape -> scalar."""
        return self.loss_weight * lsgan_g_loss(fake_score)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
