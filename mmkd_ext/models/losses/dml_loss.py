"""Deep Mutual Learning's peer term (Zhang et al., CVPR 2018, arXiv 1706.00384)."""
import torch

from mmkd_ext.registry import MODELS

from .kd_loss import KDLoss, kd_loss
from .weighted_loss import check_same_shape

__all__ = ['dml_loss', 'DMLLoss']


def dml_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
             temperature: float = 1.0) -> torch.Tensor:
    """``T^2 * KL(softmax(sg(z_t) / T) || softmax(z_s / T))``, averaged over the batch:
    :func:`~mmkd_ext.models.losses.kd_loss.kd_loss` with a peer as the teacher.

    In online distillation the "teacher" is a peer network trained at the same time; its
    logits are detached here, so the term only moves the student.

    Args:
        student_logits (Tensor): (N, num_classes) logits of the network being updated.
        teacher_logits (Tensor): (N, num_classes) logits of a peer.
        temperature (float): Softening temperature T > 0. Defaults to 1.0.

    Returns:
        Tensor: scalar loss.
    """
    check_same_shape(student_logits, teacher_logits, ('student logits', 'peer logits'),
                     'the networks must predict the same classes')
    return kd_loss(student_logits, teacher_logits, temperature)


@MODELS.register_module()
class DMLLoss(KDLoss):
    """Deep Mutual Learning, CVPR 2018 (arXiv 1706.00384), with Hinton's temperature.

    The cross-entropy part of DML is each network's own head loss; this is the peer term
    (:class:`~mmkd_ext.models.losses.kd_loss.KDLoss` with a peer as the teacher).

    Args:
        temperature (float): Softening temperature, > 0. Defaults to 1.0 (plain DML).
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    def __init__(self, temperature: float = 1.0, loss_weight: float = 1.0):
        super().__init__(temperature, loss_weight)

    def forward(self, student_logits: torch.Tensor,
                teacher_logits: torch.Tensor) -> torch.Tensor:
        """(N, num_classes) x 2 -> scalar."""
        return self.loss_weight * dml_loss(student_logits, teacher_logits, self.temperature)
