"""Hinton et al.'s logit distillation loss (arXiv 1503.02531)."""
import torch
import torch.nn.functional as F
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['kd_loss', 'KDLoss']


def kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
            temperature: float) -> torch.Tensor:
    """``T^2 KL(softmax(z_t / T) || softmax(z_s / T))``, summed over classes and averaged
    over the batch. The ``T^2`` keeps the gradient scale independent of ``T``.

    Args:
        student_logits (Tensor): (N, num_classes).
        teacher_logits (Tensor): (N, num_classes), detached here.
        temperature (float): T > 0.

    Returns:
        Tensor: scalar loss.
    """
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(f'student logits {tuple(student_logits.shape)} and teacher logits '
                         f'{tuple(teacher_logits.shape)} differ in shape')
    log_p_s = F.log_softmax(student_logits.float() / temperature, dim=1)
    log_p_t = F.log_softmax(teacher_logits.detach().float() / temperature, dim=1)
    return F.kl_div(log_p_s, log_p_t, reduction='batchmean', log_target=True) * temperature**2


@MODELS.register_module()
class KDLoss(nn.Module):
    """Distilling the Knowledge in a Neural Network, NIPS 2014 workshop (arXiv 1503.02531).

    ``loss_weight * T^2 KL(softmax(z_t / T) || softmax(z_s / T))``.

    Args:
        temperature (float): Softening temperature T > 0. Defaults to 4.0.
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    def __init__(self, temperature: float = 4.0, loss_weight: float = 1.0):
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = float(temperature)
        self.loss_weight = float(loss_weight)

    def forward(self, student_logits: torch.Tensor,
                teacher_logits: torch.Tensor) -> torch.Tensor:
        """(N, num_classes) x 2 -> scalar."""
        return self.loss_weight * kd_loss(student_logits, teacher_logits, self.temperature)

    def extra_repr(self) -> str:
        return f'temperature={self.temperature}, loss_weight={self.loss_weight}'
