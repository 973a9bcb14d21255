"""LSFD: local-selective feature distillation for super-resolution (arXiv 2111.10988)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['lsfd_loss', 'lsfd_attention', 'LSFDLoss']

LOCAL_MODES = ('none', 'window', 'mean', 'norm')
DISTANCES = ('l1', 'l2')


def _local(feat: torch.Tensor, mode: str, k: int) -> torch.Tensor:
    """The local view of a feature map that ``mode`` compares."""
    if mode in ('none', 'window'):
        return feat
    mean = F.avg_pool2d(feat, k, stride=1, padding=k // 2, count_include_pad=False)
    if mode == 'mean':
        return mean
    var = F.avg_pool2d(feat * feat, k, stride=1, padding=k // 2, count_include_pad=False)
    return (feat - mean) * torch.rsqrt((var - mean * mean).clamp_min(0) + 1e-4)


def lsfd_attention(distance: torch.Tensor, tau: float) -> torch.Tensor:
    """Soft attention over the H*W positions of each sample from a (N, H, W) distance map.

    ``A = H*W * softmax_p(d_p / (tau * mean_p d_p))``: detached, positive, mean 1 per
    sample, so uniform attention is plain averaging. Dividing by the sample's mean distance
    makes ``tau`` independent of the feature scale.
    """
    n, h, w = distance.shape
    d = distance.detach().flatten(1)
    d = d / (tau * d.mean(dim=1, keepdim=True).clamp_min(1e-12))
    return (h * w * torch.softmax(d, dim=1)).view(n, h, w)


def lsfd_loss(student_feat: torch.Tensor,
              teacher_feat: torch.Tensor,
              distance: str = 'l1',
              local_mode: str = 'window',
              kernel_size: int = 3,
              tau: Optional[float] = 1.0) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """Local-selective feature distance; returns ``(loss, attention or None)``.

    Args:
        student_feat (Tensor): (N, C, H, W) student feature mapped to the teacher's channels.
        teacher_feat (Tensor): (N, C, H, W) teacher feature (no gradient flows into it).
        distance (str): ``'l1'`` or ``'l2'`` point-wise distance.
        local_mode (str): how neighbourhoods of ``kernel_size`` enter the comparison:
            ``'none'`` point-wise (FitNet); ``'window'`` the distance at p is the mean
            distance over the k x k window around p; ``'mean'`` compare local means;
            ``'norm'`` compare locally normalised features (local structure, not level).
        kernel_size (int): odd neighbourhood size k. Defaults to 3.
        tau (float, optional): attention temperature; None turns the selective attention
            off (uniform weights).

    Returns:
        tuple: scalar loss and the (N, H, W) attention map (None without attention).
        With ``local_mode='none'`` and ``tau=None`` the loss equals FitNet's exactly.
    """
    if student_feat.shape != teacher_feat.shape:
        raise ValueError(f'student feature {tuple(student_feat.shape)} and teacher feature '
                         f'{tuple(teacher_feat.shape)} differ in shape; map the student '
                         'feature with a connector (e.g. ConvRegressor)')
    if tau is not None and student_feat.shape[-2] * student_feat.shape[-1] == 1:
        raise ValueError('the selective attention weights the H*W positions of a feature map, '
                         'but the tapped maps are 1x1; tap a layer with spatial extent or set '
                         'tau=None')
    teacher_feat = teacher_feat.detach()
    diff = _local(student_feat, local_mode, kernel_size) - _local(teacher_feat, local_mode,
                                                                  kernel_size)
    pointwise = diff.abs() if distance == 'l1' else diff * diff
    if tau is None and local_mode != 'window':
        return pointwise.mean(), None
    dist = pointwise.mean(dim=1)  # (N, H, W)
    if local_mode == 'window':
        dist = F.avg_pool2d(dist.unsqueeze(1), kernel_size, stride=1, padding=kernel_size // 2,
                            count_include_pad=False).squeeze(1)
    if tau is None:
        return dist.mean(), None
    attention = lsfd_attention(dist, tau)
    return (attention * dist).mean(), attention


@MODELS.register_module()
class LSFDLoss(nn.Module):
    """Local-Selective Feature Distillation for Single Image Super-Resolution
    (arXiv 2111.10988).

    FitNet's feature distance made local (neighbourhoods of ``kernel_size``) and selective
    (a soft attention that weights the positions where the student is furthest from the
    teacher). Cost is linear in H*W.

    Note:
        The paper gives no reference code. This follows the reconstruction in the package's
        method notes: the local comparison is one of ``local_mode`` (the paper's choice is
        not pinned down), and the attention temperature is relative to each sample's mean
        distance so one ``tau`` fits features of any scale. ``local_mode='none'`` with
        ``tau=None`` is FitNet.

    Args:
        distance (str): ``'l1'`` or ``'l2'``. Defaults to ``'l1'``.
        local_mode (str): ``'none'``, ``'window'``, ``'mean'`` or ``'norm'``.
            Defaults to ``'window'``.
        kernel_size (int): Odd neighbourhood size. Defaults to 3.
        tau (float, optional): Attention temperature (> 0); None disables the attention.
            Defaults to 1.0.
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self,
                 distance: str = 'l1',
                 local_mode: str = 'window',
                 kernel_size: int = 3,
                 tau: Optional[float] = 1.0,
                 loss_weight: float = 1.0):
        super().__init__()
        if distance not in DISTANCES:
            raise ValueError(f'LSFDLoss distance must be one of {DISTANCES}, got {distance!r}')
        if local_mode not in LOCAL_MODES:
            raise ValueError(
                f'LSFDLoss local_mode must be one of {LOCAL_MODES}, got {local_mode!r}')
        if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f'LSFDLoss kernel_size must be an odd positive int, '
                             f'got {kernel_size!r}')
        if tau is not None and not tau > 0:
            raise ValueError(f'LSFDLoss tau must be > 0 or None (no attention), got {tau!r}')
        self.distance, self.local_mode = distance, local_mode
        self.kernel_size, self.tau = kernel_size, tau
        self.loss_weight = float(loss_weight)
        self.last_attention: Optional[torch.Tensor] = None

    def forward(self, student_feat: torch.Tensor, teacher_feat: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) x 2 -> scalar. Keeps the last attention map for visualisation."""
        loss, self.last_attention = lsfd_loss(student_feat, teacher_feat, self.distance,
                                              self.local_mode, self.kernel_size, self.tau)
        return self.loss_weight * loss

    def extra_repr(self) -> str:
        return (f'distance={self.distance!r}, local_mode={self.local_mode!r}, '
                f'kernel_size={self.kernel_size}, tau={self.tau}, '
                f'loss_weight={self.loss_weight}')
