"""Factor Transfer's factor loss, the per-teacher term of FEED."""
import torch

from mmkd_ext.registry import MODELS

from .weighted_loss import WeightedLoss, check_choice, check_same_shape

__all__ = ['factor_loss', 'FactorTransferLoss']

_REDUCTIONS = ('sample', 'element')


def factor_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor,
                reduction: str = 'sample', eps: float = 1e-12) -> torch.Tensor:
    """L1 distance between L2-normalised, per-sample flattened factors.

    ``mean_n || f_s^n / ||f_s^n||_2 - f_t^n / ||f_t^n||_2 ||_1`` with ``f^n`` the n-th
    sample's (C, H, W) map flattened to a vector. The teacher factor is detached.

    Args:
        student_feat (Tensor): (N, C, H, W) student factor (e.g. a translator's output).
        teacher_feat (Tensor): (N, C, H, W) teacher feature.
        reduction (str): ``'sample'``: sum over the C*H*W entries, mean over samples (the
            formula above). ``'element'``: mean over all N*C*H*W entries, i.e. the
            ``'sample'`` value divided by C*H*W (the scale of ``nn.L1Loss`` on the
            normalised factors). Defaults to ``'sample'``.
        eps (float): Lower bound of the norms (an all-zero map stays zero). Defaults to 1e-12.

    Returns:
        Tensor: scalar loss.
    """
    check_same_shape(student_feat, teacher_feat, ('student factor', 'teacher feature'),
                     "the translator must map the student feature to the teacher's channels "
                     'and size')
    check_choice(reduction, _REDUCTIONS, 'reduction')
    s = student_feat.flatten(1)
    t = teacher_feat.detach().flatten(1)
    s = s / s.norm(p=2, dim=1, keepdim=True).clamp_min(eps)
    t = t / t.norm(p=2, dim=1, keepdim=True).clamp_min(eps)
    dist = (s - t).abs().sum(dim=1)
    if reduction == 'element':
        dist = dist / s.shape[1]
    return dist.mean()


@MODELS.register_module()
class FactorTransferLoss(WeightedLoss):
    """Paraphrasing Complex Network: Network Compression via Factor Transfer, NeurIPS 2018
    (arXiv 1802.04977); the loss FEED (ECAI 2020, arXiv 1909.10754) applies per teacher.

    ``loss_weight * mean_n || F_s/||F_s||_2 - F_t/||F_t||_2 ||_1`` on flattened maps.

    Note:
        The papers write the per-sample L1 norm of the difference (``reduction='sample'``).
        Their weight beta (~1e3) is usually quoted at the scale of a mean over all entries
        (``reduction='element'``), which is C*H*W times smaller.

    Args:
        reduction (str): ``'sample'`` or ``'element'`` (see :func:`factor_loss`).
            Defaults to ``'sample'``.
        loss_weight (float): Weight of the term (beta). Defaults to 1.0.
        eps (float): Lower bound of the norms, > 0 (see :func:`factor_loss`).
            Defaults to 1e-12.
    """

    repr_keys = ('reduction', 'eps')

    def __init__(self, reduction: str = 'sample', loss_weight: float = 1.0,
                 eps: float = 1e-12):
        super().__init__(loss_weight)
        self.reduction = check_choice(reduction, _REDUCTIONS, 'FactorTransferLoss reduction')
        if not eps > 0:
            raise ValueError(f'FactorTransferLoss eps must be > 0, got {eps!r}')
        self.eps = float(eps)

    def forward(self, student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) x 2 -> scalar."""
        return self.loss_weight * factor_loss(student_feat, teacher_feat, self.reduction,
                                              self.eps)
