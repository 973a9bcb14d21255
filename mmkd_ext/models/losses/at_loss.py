"""Attention transfer (Zagoruyko and Komodakis, ICLR 2017, arXiv 1612.03928)."""
import torch
import torch.nn.functional as F

from mmkd_ext.registry import MODELS

from .weighted_loss import WeightedLoss

__all__ = ['attention_map', 'at_loss', 'ATLoss']


def attention_map(feat: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Spatial attention of a feature map: ``a_p = mean_c F(p)^2``, L2-normalised over the
    positions of each sample. (N, C, H, W) -> (N, H*W)."""
    return F.normalize(feat.pow(2).mean(dim=1).flatten(1), dim=1, eps=eps)


def check_positions(student_feat: torch.Tensor, teacher_feat: torch.Tensor,
                    what: str) -> None:
    """Raise unless the two (N, C, H, W) maps share N, H and W (C may differ)."""
    if student_feat.shape[0] != teacher_feat.shape[0] or \
            student_feat.shape[2:] != teacher_feat.shape[2:]:
        raise ValueError(f'student feature {tuple(student_feat.shape)} and teacher feature '
                         f'{tuple(teacher_feat.shape)} differ in batch or spatial size; '
                         f'{what} of the same N, H, W')


def at_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
    """Mean squared difference of student and teacher attention maps.

    ``mean_{n,p} (a_s(p) - a_t(p))^2`` with :func:`attention_map`. The channel counts may
    differ (the maps average over channels), so no connector is needed.

    Args:
        student_feat (Tensor): (N, C_s, H, W) student feature.
        teacher_feat (Tensor): (N, C_t, H, W) teacher feature (no gradient flows into it).

    Returns:
        Tensor: scalar loss.
    """
    check_positions(student_feat, teacher_feat, 'attention transfer compares maps')
    return (attention_map(student_feat) - attention_map(teacher_feat.detach())).pow(2).mean()


@MODELS.register_module()
class ATLoss(WeightedLoss):
    """Paying More Attention to Attention: Improving the Performance of Convolutional
    Neural Networks via Attention Transfer, ICLR 2017 (arXiv 1612.03928).

    ``loss_weight * mean (a_s - a_t)^2`` between spatial attention maps (the channel mean
    of the squared feature, L2-normalised over positions). One of the field's
    super-resolution distillation baselines beside FitNet and FAKD.

    Note:
        The paper writes the term as the p-norm of the difference of normalised maps (with
        ``beta / 2`` in front, ``beta = 1000``); this is the mean of its square, the form of
        the authors' code and of MMRazor's ``ATLoss`` (equal values, tested), so
        ``loss_weight`` plays the role of ``beta`` (``1e3`` in the paper's experiments;
        chosen by a sweep here). The attention uses ``p = 2``.

    Args:
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    #: the maps average over channels: a connector is optional (FeatureDistill)
    channel_agnostic = True

    def __init__(self, loss_weight: float = 1.0):
        super().__init__(loss_weight)

    def forward(self, student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
        """(N, C_s, H, W), (N, C_t, H, W) -> scalar."""
        return self.loss_weight * at_loss(student_feat, teacher_feat)
