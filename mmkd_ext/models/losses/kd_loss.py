"""Hinton et al.'s logit distillation loss (arXiv 1503.02531) and the one KL formula that
every logit term of the package (KD, DML, ensemble KD) is computed with."""
import math
from typing import Sequence

import torch
import torch.nn.functional as F

from mmkd_ext.registry import MODELS

from .weighted_loss import WeightedLoss, check_same_shape

__all__ = ['soft_kl', 'kd_loss', 'ensemble_kd_loss', 'KDLoss']


def soft_kl(student_logits: torch.Tensor, target_log_probs: torch.Tensor,
            temperature: float) -> torch.Tensor:
    """``T^2 KL(p || softmax(z_s / T))`` for a target distribution ``p`` given by its
    log-probabilities, summed over classes and averaged over the batch (in fp32). The
    ``T^2`` keeps the gradient scale independent of ``T``.

    Args:
        student_logits (Tensor): (N, num_classes) logits ``z_s``.
        target_log_probs (Tensor): (N, num_classes) ``log p``, already softened by ``T``.
        temperature (float): T > 0.

    Returns:
        Tensor: scalar loss.
    """
    log_p_s = F.log_softmax(student_logits.float() / temperature, dim=1)
    return F.kl_div(log_p_s, target_log_probs.float(), reduction='batchmean',
                    log_target=True) * temperature**2


def kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
            temperature: float) -> torch.Tensor:
    """``T^2 KL(softmax(z_t / T) || softmax(z_s / T))``, summed over classes and averaged
    over the batch (:func:`soft_kl` with the teacher's softened softmax).

    Args:
        student_logits (Tensor): (N, num_classes).
        teacher_logits (Tensor): (N, num_classes), detached here.
        temperature (float): T > 0.

    Returns:
        Tensor: scalar loss.
    """
    check_same_shape(student_logits, teacher_logits, ('student logits', 'teacher logits'))
    target = F.log_softmax(teacher_logits.detach().float() / temperature, dim=1)
    return soft_kl(student_logits, target, temperature)


def ensemble_kd_loss(student_logits: torch.Tensor, teacher_logits: Sequence[torch.Tensor],
                     temperature: float) -> torch.Tensor:
    """``T^2 KL(mean_k softmax(z_k / T) || softmax(z_s / T))``, averaged over the batch
    (:func:`soft_kl` with the mean of the teachers' softened softmaxes).

    Args:
        student_logits (Tensor): (N, num_classes).
        teacher_logits (Sequence[Tensor]): K >= 1 tensors (N, num_classes), detached here.
        temperature (float): T > 0.

    Returns:
        Tensor: scalar loss.
    """
    if not teacher_logits:
        raise ValueError('ensemble_kd_loss needs at least one teacher\'s logits')
    log_p = torch.stack([F.log_softmax(t.detach().float() / temperature, dim=1)
                         for t in teacher_logits])
    target = torch.logsumexp(log_p, dim=0) - math.log(len(teacher_logits))  # log mean p_k
    return soft_kl(student_logits, target, temperature)


@MODELS.register_module()
class KDLoss(WeightedLoss):
    """Distilling the Knowledge in a Neural Network, NIPS 2014 workshop (arXiv 1503.02531).

    ``loss_weight * T^2 KL(softmax(z_t / T) || softmax(z_s / T))``.

    Args:
        temperature (float): Softening temperature T > 0. Defaults to 4.0.
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    repr_keys = ('temperature', )

    def __init__(self, temperature: float = 4.0, loss_weight: float = 1.0):
        super().__init__(loss_weight)
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = float(temperature)

    def forward(self, student_logits: torch.Tensor,
                teacher_logits: torch.Tensor) -> torch.Tensor:
        """(N, num_classes) x 2 -> scalar."""
        return self.loss_weight * kd_loss(student_logits, teacher_logits, self.temperature)
