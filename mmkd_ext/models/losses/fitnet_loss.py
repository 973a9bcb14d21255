"""FitNets feature regression loss (Romero et al., ICLR 2015, arXiv 1412.6550)."""
import torch

from mmkd_ext.registry import MODELS

from .weighted_loss import WeightedLoss, check_choice, check_same_shape

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
    check_same_shape(student_feat, teacher_feat,
                     hint='map the student feature with a connector (e.g. ConvRegressor)')
    check_choice(mode, _MODES, 'mode')
    diff = student_feat - teacher_feat.detach()
    return diff.abs().mean() if mode == 'l1' else diff.pow(2).mean()


@MODELS.register_module()
class FitNetLoss(WeightedLoss):
    """FitNets: Hints for Thin Deep Nets, ICLR 2015 (arXiv 1412.6550).

    The baseline feature distillation: ``loss_weight * mean |r(F_s) - F_t|^p``.

    Args:
        mode (str): ``'l1'`` or ``'l2'``. Defaults to ``'l1'`` (the SR convention).
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    repr_keys = ('mode', )

    def __init__(self, mode: str = 'l1', loss_weight: float = 1.0):
        super().__init__(loss_weight)
        self.mode = check_choice(mode, _MODES, 'FitNetLoss mode')

    def forward(self, student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) x 2 -> scalar."""
        return self.loss_weight * fitnet_loss(student_feat, teacher_feat, self.mode)
