"""FAKD: feature-affinity based knowledge distillation for super-resolution (ICIP 2020)."""
from typing import Optional

import torch
import torch.nn.functional as F

from mmkd_ext.registry import MODELS

from .at_loss import check_positions
from .weighted_loss import WeightedLoss

__all__ = ['spatial_affinity', 'fakd_loss', 'FAKDLoss']

_GIB = 2**30


def spatial_affinity(feat: torch.Tensor, patch_size: Optional[int] = None) -> torch.Tensor:
    """Cosine similarity between the channel vectors of all pairs of positions.

    Each position's channel vector is L2-normalised, then ``A = F^T F``: (N, C, H, W) ->
    (N, H*W, H*W). With ``patch_size`` P the map is cut into non-overlapping P x P patches
    (H and W divisible by P) and each patch gets its own affinity: (N * H*W / P^2, P^2, P^2).
    """
    n, c, h, w = feat.shape
    unit = F.normalize(feat, dim=1, eps=1e-6)
    if patch_size is None:
        vectors = unit.flatten(2)  # (N, C, H*W)
    else:
        p = patch_size
        vectors = unit.view(n, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5)
        vectors = vectors.reshape(-1, c, p * p)  # (N * patches, C, P*P)
    return vectors.transpose(1, 2) @ vectors


def affinity_bytes(shape: torch.Size, patch_size: Optional[int], element_size: int) -> int:
    """Bytes of one :func:`spatial_affinity` of a feature map of ``shape``."""
    n, _, h, w = shape
    block = h * w if patch_size is None else patch_size * patch_size
    return n * (h * w // block) * block * block * element_size


def _human(size: int) -> str:
    return f'{size / _GIB:.2f} GiB' if size >= _GIB / 100 else f'{size / 2**20:.2f} MiB'


def _check_size(shape: torch.Size, patch_size: Optional[int], element_size: int,
                max_affinity_gib: Optional[float]) -> None:
    n, c, h, w = shape
    if patch_size is not None and (h % patch_size or w % patch_size):
        raise ValueError(f'FAKD patch_size={patch_size} does not divide the {h}x{w} feature '
                         f'map; use a divisor of both, e.g. one of '
                         f'{[p for p in range(1, min(h, w) + 1) if not h % p and not w % p]}')
    size = affinity_bytes(shape, patch_size, element_size)
    if max_affinity_gib is None or size <= max_affinity_gib * _GIB:
        return
    what = (f'{n} x ({h}*{w})^2' if patch_size is None else
            f'{n} x {h * w // patch_size**2} patches x ({patch_size}*{patch_size})^2')
    fits = [p for p in range(min(h, w) - 1, 0, -1) if not h % p and not w % p
            and affinity_bytes(shape, p, element_size) <= max_affinity_gib * _GIB]
    hint = f'set patch_size={fits[0]} (affinities within {fits[0]}x{fits[0]} patches), ' \
        if fits else ''
    raise ValueError(
        f"FAKD's spatial affinity of the ({n}, {c}, {h}, {w}) feature maps needs {what} "
        f'values of {element_size} bytes = {_human(size)} per map (student and teacher '
        f'each, plus the difference and the gradient), over max_affinity_gib='
        f'{max_affinity_gib}; its memory grows with (H*W)^2. Tap a smaller feature map, '
        f'{hint}or raise max_affinity_gib')


def fakd_loss(student_feat: torch.Tensor,
              teacher_feat: torch.Tensor,
              patch_size: Optional[int] = None,
              max_affinity_gib: Optional[float] = 1.0) -> torch.Tensor:
    """Mean absolute difference of student and teacher spatial affinities.

    ``mean |A_s - A_t|`` with :func:`spatial_affinity`. Channel counts may differ (the
    affinity is between positions). Memory: each affinity holds N x (H*W)^2 values
    (N x H*W x P^2 with ``patch_size`` P), checked against ``max_affinity_gib``.

    Args:
        student_feat (Tensor): (N, C_s, H, W) student feature.
        teacher_feat (Tensor): (N, C_t, H, W) teacher feature (no gradient flows into it).
        patch_size (int, optional): Compute affinities within non-overlapping P x P patches
            instead of over the whole map. Defaults to None (whole map, as the paper).
        max_affinity_gib (float, optional): Largest affinity (GiB, per map) to compute;
            None: no limit. Defaults to 1.0.

    Returns:
        Tensor: scalar loss.
    """
    check_positions(student_feat, teacher_feat, 'FAKD compares affinities of maps')
    _check_size(student_feat.shape, patch_size, student_feat.element_size(),
                max_affinity_gib)
    return (spatial_affinity(student_feat, patch_size) -
            spatial_affinity(teacher_feat.detach(), patch_size)).abs().mean()


@MODELS.register_module()
class FAKDLoss(WeightedLoss):
    """FAKD: Feature-Affinity Based Knowledge Distillation for Efficient Image
    Super-Resolution, ICIP 2020 (He, Dai, Lu, Jiang, Xia; doi 10.1109/ICIP40778.2020.9190917).

    ``loss_weight * mean |A_s - A_t|`` between spatial affinity matrices: each position's
    channel vector L2-normalised, ``A = F^T F`` of size H*W x H*W per sample, so the term
    transfers how every position relates to every other (second-order structure).

    Memory: N x (H*W)^2 values per affinity (fp32: a batch of 16 maps of 48 x 48 is
    16 x 2304^2 x 4 bytes = 0.32 GiB for each of student and teacher, and as much again for
    the difference and the gradient); it grows with the fourth power of the map side.
    Maps over ``max_affinity_gib`` raise a ``ValueError`` that gives the size and suggests
    ``patch_size`` (affinities within non-overlapping P x P patches: N x H*W x P^2 values,
    linear in H*W). LSFD's local affinity (``LSFDLoss(local_mode='affinity')``) is the
    k x k-neighbourhood analogue.

    Note:
        The paper combines this term over several residual groups with an L1 term to the
        teacher's SR output; in :class:`FeatureDistill` that is ``output_loss`` (see
        ``configs/fakd``). ``patch_size`` is this package's option, not the paper's.

    Args:
        patch_size (int, optional): P for patch-wise affinities. Defaults to None.
        max_affinity_gib (float, optional): Largest affinity per map in GiB; None: no
            limit. Defaults to 1.0.
        loss_weight (float): Weight of the term. Defaults to 1.0.
    """

    #: affinities are between positions: a connector is optional (FeatureDistill)
    channel_agnostic = True
    repr_keys = ('patch_size', 'max_affinity_gib')

    def __init__(self,
                 patch_size: Optional[int] = None,
                 max_affinity_gib: Optional[float] = 1.0,
                 loss_weight: float = 1.0):
        super().__init__(loss_weight)
        if patch_size is not None and (not isinstance(patch_size, int) or patch_size < 1):
            raise ValueError(f'FAKDLoss patch_size must be a positive int or None, '
                             f'got {patch_size!r}')
        if max_affinity_gib is not None and not max_affinity_gib > 0:
            raise ValueError(f'FAKDLoss max_affinity_gib must be > 0 or None (no limit), '
                             f'got {max_affinity_gib!r}')
        self.patch_size, self.max_affinity_gib = patch_size, max_affinity_gib

    def forward(self, student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
        """(N, C_s, H, W), (N, C_t, H, W) -> scalar."""
        return self.loss_weight * fakd_loss(student_feat, teacher_feat, self.patch_size,
                                            self.max_affinity_gib)
