"""FitNets feature regression loss (Romero et al., ICLR 2015, arXiv 1412.6550)."""
import torch
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['fitnet_loss', 'FitNetLoss']

_MODES = ('l1', 'l2')


def fitnet_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor,
                mode: str = 'l1') -> torch.Tensor:
    """Mean point-wise distance between a (regressed) student feature and a teacher feature.

    Args:
        student_feat (Tensor): (N, C, H, W) student feature, already mapped to the teacher's
            channels.
        teacher_feat (Tensor): (N, C, H, W) teacher feature.
        mode (str): ``'l1'`` (mean absolute error) or ``'l2'`` (mean squared error).

    Returns:
        Tensor: scalar loss.
    """
    if student_feat.shape != teacher_feat.shape:
        raise ValueError(f'student feature {tuple(student_feat.shape)} and teacher feature '
                         f'{tuple(teacher_feat.shape)} differ in shape; map the student '
                         'feature with a connector (e.g. ConvRegressor)')
    diff = student_feat - teacher_feat.detach()
    if mode == 'l1':
        return diff.abs().mean()
    if mode == 'l2':
        return diff.pow(2).mean()
    raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')


@MODELS.register_module()
class FitNetLoss(nn.Module):
    """FitNets: Hints for Thin Deep Nets, ICLR 2015 (arXiv 1412.6550).

    The baseline feature distillation: ``loss_weight * mean |r(F_s) - F_t|^p``.

    Args:
        mode (str): ``'l1'`` or ``'l2'``. Defaults to ``'l1'`` (the SR convention).
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    def __init__(self, mode: str = 'l1', loss_weight: float = 1.0):
        super().__init__()
        if mode not in _MODES:
            raise ValueError(f'FitNetLoss mode must be one of {_MODES}, got {mode!r}')
        self.mode = mode
        self.loss_weight = float(loss_weight)

    def forward(self, student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) x 2 -> scalar."""
        return self.loss_weight * fitnet_loss(student_feat, teacher_feat, self.mode)

    def extra_repr(self) -> str:
        return f'mode={self.mode!r}, loss_weight={self.loss_weight}'
