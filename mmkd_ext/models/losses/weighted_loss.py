"""What the thin loss modules share: a weighted base module and the argument checks of
their pure functions."""
import numbers
from typing import Sequence, Tuple

import torch
from torch import nn

__all__ = ['WeightedLoss', 'check_choice', 'check_same_shape']


def check_choice(value: str, allowed: Sequence[str], what: str) -> str:
    """``value`` if it is one of ``allowed``, else a ``ValueError`` that names ``what``
    (e.g. ``'FitNetLoss mode'``) and the allowed values."""
    if value not in allowed:
        raise ValueError(f'{what} must be one of {tuple(allowed)}, got {value!r}')
    return value


def check_same_shape(student: torch.Tensor, teacher: torch.Tensor,
                     names: Tuple[str, str] = ('student feature', 'teacher feature'),
                     hint: str = '') -> None:
    """Raise a ``ValueError`` naming both shapes (and ``hint``, how to fix it) when a
    student and a teacher tensor differ in shape."""
    if student.shape != teacher.shape:
        raise ValueError(f'{names[0]} {tuple(student.shape)} and {names[1]} '
                         f'{tuple(teacher.shape)} differ in shape' + (f'; {hint}' if hint else ''))


class WeightedLoss(nn.Module):
    """Base of the thin registered loss modules: a checked ``loss_weight`` and an
    ``extra_repr`` that lists the hyper-parameters named in ``repr_keys``, then the weight.

    A subclass sets its hyper-parameters in ``__init__`` and applies ``loss_weight`` to its
    pure function in ``forward``.

    Args:
        loss_weight (float): Weight of the term, a real number. Defaults to 1.0.
    """

    #: attributes shown by ``repr`` before ``loss_weight``
    repr_keys: Tuple[str, ...] = ()

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        if isinstance(loss_weight, bool) or not isinstance(loss_weight, numbers.Real):
            raise TypeError(f'{type(self).__name__} loss_weight must be a real number, '
                            f'got {loss_weight!r}')
        self.loss_weight = float(loss_weight)

    def extra_repr(self) -> str:
        return ', '.join([f'{key}={getattr(self, key)!r}' for key in self.repr_keys] +
                         [f'loss_weight={self.loss_weight}'])
