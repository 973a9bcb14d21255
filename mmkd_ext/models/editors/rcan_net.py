"""RCAN: residual channel attention network for single image super-resolution."""
from typing import Optional, Sequence

import torch
from mmagic.models.editors.edsr.edsr_net import UpsampleModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmkd_ext.registry import MODELS

__all__ = ['ChannelAttention', 'RCAB', 'ResidualGroup', 'RCANNet']


def _positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'RCANNet {name} must be a positive int, got {value!r}')


class ChannelAttention(nn.Module):
    """Channel attention (CA) of RCAN.

    Zhang et al., "Image Super-Resolution Using Very Deep Residual Channel Attention
    Networks", ECCV 2018, arXiv 1807.02758.

    Global average pooling, a 1x1 conv down by ``squeeze_factor``, ReLU, a 1x1 conv back up
    and a sigmoid give one scale per channel, which multiplies the input.

    Args:
        channels (int): Feature channels.
        squeeze_factor (int): Channel reduction ratio of the bottleneck. Defaults to 16.
    """

    def __init__(self, channels: int, squeeze_factor: int = 16):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.attention = nn.Sequential(
            nn.Conv2d(channels, channels // squeeze_factor, 1), nn.ReLU(),
            nn.Conv2d(channels // squeeze_factor, channels, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, H, W), ``x`` scaled by a (N, C, 1, 1) attention."""
        return x * self.attention(self.pool(x))


class RCAB(nn.Module):
    """Residual channel attention block.

    Zhang et al., "Image Super-Resolution Using Very Deep Residual Channel Attention
    Networks", ECCV 2018, arXiv 1807.02758.

    ``x + res_scale * CA(conv2(relu(conv1(x))))``.

    Args:
        channels (int): Feature channels.
        squeeze_factor (int): Channel reduction ratio of the attention. Defaults to 16.
        res_scale (float): Scale of the residual branch; the paper uses 1. Defaults to 1.0.
    """

    def __init__(self, channels: int, squeeze_factor: int = 16, res_scale: float = 1.0):
        super().__init__()
        self.res_scale = res_scale
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.attention = ChannelAttention(channels, squeeze_factor)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, H, W)."""
        res = self.attention(self.conv2(self.relu(self.conv1(x))))
        return x + self.res_scale * res


class ResidualGroup(nn.Module):
    """Residual group (RG) with a short skip connection.

    Zhang et al., "Image Super-Resolution Using Very Deep Residual Channel Attention
    Networks", ECCV 2018, arXiv 1807.02758.

    ``x + conv(blocks(x))``, where ``blocks`` holds ``num_blocks`` RCABs.

    Args:
        channels (int): Feature channels.
        num_blocks (int): Number of RCABs. Defaults to 20.
        squeeze_factor (int): Channel reduction ratio of the attention. Defaults to 16.
        res_scale (float): Residual scale of each RCAB. Defaults to 1.0.
    """

    def __init__(self, channels: int, num_blocks: int = 20, squeeze_factor: int = 16,
                 res_scale: float = 1.0):
        super().__init__()
        self.blocks = nn.Sequential(
            *[RCAB(channels, squeeze_factor, res_scale) for _ in range(num_blocks)],
            nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, H, W)."""
        return x + self.blocks(x)


@MODELS.register_module()
class RCANNet(BaseModule):
    """RCAN.

    Zhang et al., "Image Super-Resolution Using Very Deep Residual Channel Attention
    Networks", ECCV 2018, arXiv 1807.02758.

    ``conv_first`` -> ``body`` (``num_groups`` residual groups) -> ``conv_after_body``, plus the
    long skip from ``conv_first``; then ``upsample`` and ``conv_last``. The paper's model is 10
    groups x 20 blocks x 64 channels (about 15.6 M parameters at x4).

    Note:
        As in mmagic's ``EDSRNet``, images are in [0, 1] and shifted by ``rgb_mean`` /
        ``rgb_std`` (the DIV2K mean) at the input and back at the output, and the upsampler is
        EDSR's pixel-shuffle module. ``res_scale`` is not in the paper; 1.0 is the paper's model.

    Args:
        in_channels (int): Input image channels.
        out_channels (int): Output image channels.
        mid_channels (int): Feature channels. Defaults to 64.
        num_groups (int): Number of residual groups. Defaults to 10.
        num_blocks (int): RCABs per residual group. Defaults to 20.
        squeeze_factor (int): Channel reduction ratio of the attention; ``mid_channels //
            squeeze_factor`` must be >= 1. Defaults to 16.
        upscale_factor (int): One of 2, 3, 4, 8. Defaults to 4.
        res_scale (float): Residual scale of each RCAB, > 0. Defaults to 1.0.
        rgb_mean (Sequence[float]): Image mean, one value or one per channel.
            Defaults to (0.4488, 0.4371, 0.4040).
        rgb_std (Sequence[float]): Image std, one value or one per channel.
            Defaults to (1.0, 1.0, 1.0).
        init_cfg (dict, optional): mmengine initialisation config. Defaults to None.
    """

    def __init__(self, in_channels: int, out_channels: int, mid_channels: int = 64,
                 num_groups: int = 10, num_blocks: int = 20, squeeze_factor: int = 16,
                 upscale_factor: int = 4, res_scale: float = 1.0,
                 rgb_mean: Sequence[float] = (0.4488, 0.4371, 0.4040),
                 rgb_std: Sequence[float] = (1.0, 1.0, 1.0),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        for name, value in dict(in_channels=in_channels, out_channels=out_channels,
                                mid_channels=mid_channels, num_groups=num_groups,
                                num_blocks=num_blocks, squeeze_factor=squeeze_factor).items():
            _positive_int(name, value)
        if squeeze_factor > mid_channels:
            raise ValueError(f'RCANNet squeeze_factor must be in [1, mid_channels={mid_channels}]'
                             f' (at least 1 attention channel), got {squeeze_factor}')
        if upscale_factor not in (2, 3, 4, 8):
            raise ValueError(f'RCANNet upscale_factor must be one of 2, 3, 4, 8, '
                             f'got {upscale_factor!r}')
        if not res_scale > 0:
            raise ValueError(f'RCANNet res_scale must be > 0, got {res_scale!r}')
        for name, stats in (('rgb_mean', rgb_mean), ('rgb_std', rgb_std)):
            if len(stats) != 1 and not len(stats) == in_channels == out_channels:
                raise ValueError(f'RCANNet {name} must have 1 value or in_channels = '
                                 f'out_channels = {len(stats)} values, got in_channels='
                                 f'{in_channels}, out_channels={out_channels}')
        if any(s <= 0 for s in rgb_std):
            raise ValueError(f'RCANNet rgb_std must be > 0, got {tuple(rgb_std)}')
        self.upscale_factor = upscale_factor
        for name, stats in (('mean', rgb_mean), ('std', rgb_std)):
            self.register_buffer(name, torch.tensor(stats, dtype=torch.float32).view(1, -1, 1, 1),
                                 persistent=False)

        self.conv_first = nn.Conv2d(in_channels, mid_channels, 3, padding=1)
        self.body = nn.Sequential(*[
            ResidualGroup(mid_channels, num_blocks, squeeze_factor, res_scale)
            for _ in range(num_groups)])
        self.conv_after_body = nn.Conv2d(mid_channels, mid_channels, 3, padding=1)
        self.upsample = UpsampleModule(upscale_factor, mid_channels)
        self.conv_last = nn.Conv2d(mid_channels, out_channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C_in, H, W) in [0, 1] -> (N, C_out, s * H, s * W), s = ``upscale_factor``."""
        feat = self.conv_first((x - self.mean) / self.std)
        res = self.conv_after_body(self.body(feat)) + feat  # not in place: taps stay valid
        return self.conv_last(self.upsample(res)) * self.std + self.mean
