"""Wide residual networks for CIFAR (WRN-d-k), the teachers and students of the KD papers."""
from typing import Optional, Sequence, Tuple

import torch
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['WideResNet']


class _WideBlock(nn.Module):
    """Pre-activation basic block: BN-ReLU-conv3x3-BN-ReLU-(dropout)-conv3x3 + shortcut."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, drop_rate: float):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.relu = nn.ReLU()
        self.drop = nn.Dropout(drop_rate) if drop_rate > 0 else nn.Identity()
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = self.relu(self.bn1(x))
        out = self.conv2(self.drop(self.relu(self.bn2(self.conv1(pre)))))
        return out + (x if self.shortcut is None else self.shortcut(pre))


@MODELS.register_module()
class WideResNet(BaseBackbone):
    """Wide Residual Networks, BMVC 2016 (arXiv 1605.07146): WRN-d-k for 32 x 32 images.

    A 3x3 stem with 16 channels, then three stages of ``(depth - 4) / 6`` pre-activation
    blocks with ``16k``, ``32k``, ``64k`` channels and strides 1, 2, 2. The last stage ends
    with the network's final BN + ReLU, so ``backbone.layer3`` is the post-activation map
    that is pooled (the tap of online and feature distillation).

    Args:
        depth (int): 6n + 4 (16, 22, 28, 40, ...). Defaults to 28.
        widen_factor (int): k. Defaults to 10.
        in_channels (int): Input image channels. Defaults to 3.
        drop_rate (float): Dropout between the two convolutions of a block. Defaults to 0.
        out_indices (Sequence[int]): Stages whose outputs are returned. Defaults to (2, ).
        init_cfg (dict, optional): Defaults to Kaiming for convolutions, ones/zeros for BN.
    """

    def __init__(self, depth: int = 28, widen_factor: int = 10, in_channels: int = 3,
                 drop_rate: float = 0.0, out_indices: Sequence[int] = (2, ),
                 init_cfg: Optional[dict] = None):
        if depth < 10 or (depth - 4) % 6:
            raise ValueError(f'WideResNet depth must be 6n + 4 with n >= 1 (10, 16, 22, 28, '
                             f'40, ...), got {depth!r}')
        if widen_factor < 1:
            raise ValueError(f'WideResNet widen_factor must be >= 1, got {widen_factor!r}')
        if not out_indices or not set(out_indices) <= {0, 1, 2}:
            raise ValueError(f'WideResNet out_indices must be stage indices in (0, 1, 2), '
                             f'got {out_indices!r}')
        super().__init__(init_cfg=init_cfg or [
            dict(type='Kaiming', layer='Conv2d', mode='fan_out', nonlinearity='relu'),
            dict(type='Constant', val=1, layer='BatchNorm2d')])
        self.out_indices = tuple(out_indices)
        num_blocks = (depth - 4) // 6
        widths = [16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        self.conv1 = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        channels = 16
        for i, (width, stride) in enumerate(zip(widths, (1, 2, 2))):
            blocks = [_WideBlock(channels if j == 0 else width, width, stride if j == 0 else 1,
                                 drop_rate) for j in range(num_blocks)]
            if i == 2:
                blocks += [nn.BatchNorm2d(width), nn.ReLU()]
            self.add_module(f'layer{i + 1}', nn.Sequential(*blocks))
            channels = width

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """(N, C, H, W) -> the outputs of the stages in ``out_indices``."""
        x = self.conv1(x)
        outs = []
        for i in range(3):
            x = getattr(self, f'layer{i + 1}')(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
