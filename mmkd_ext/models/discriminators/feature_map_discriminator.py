"""A small convolutional discriminator over feature maps (AFD, arXiv 2002.01775)."""
from typing import Optional

from torch import Tensor, nn

from mmkd_ext.registry import MODELS

__all__ = ['FeatureMapDiscriminator']

_OUTPUTS = ('map', 'sample')
_NORMS = ('batch', 'none')


@MODELS.register_module()
class FeatureMapDiscriminator(nn.Module):
    """Judge whether a (N, C, H, W) feature map comes from one network or another.

    ``num_convs`` x (3x3 conv, normalisation, LeakyReLU(0.2)) then a 1x1 convolution to one
    score per position; ``output='sample'`` averages the score map to one score per sample.

    Note:
        AFD (Chung et al., ICML 2020) describes its discriminators as small conv nets on
        the last-stage feature map without fixing the layers; this is a reconstruction.
        With ``norm='batch'`` a score depends on the batch it is judged in: AFD judges real
        and fake maps in separate passes, in the discriminator's step and in the networks'
        step alike. ``norm='none'`` judges each sample on its own, and keeps per-channel
        mean shifts between the two networks' maps visible to the discriminator.

    Args:
        in_channels (int): Channels of the judged feature maps.
        mid_channels (int, optional): Channels of the hidden convolutions. Defaults to None
            (``max(in_channels // 2, 8)``).
        num_convs (int): Number of conv-norm-LeakyReLU blocks, >= 1. Defaults to 2.
        output (str): ``'map'`` ((N, 1, H, W) scores) or ``'sample'`` ((N, 1) scores).
            Defaults to ``'map'``.
        norm (str): ``'batch'`` (BatchNorm after each hidden convolution) or ``'none'``
            (biased convolutions, no normalisation). Defaults to ``'batch'``.
    """

    def __init__(self, in_channels: int, mid_channels: Optional[int] = None,
                 num_convs: int = 2, output: str = 'map', norm: str = 'batch'):
        super().__init__()
        if output not in _OUTPUTS:
            raise ValueError(f'FeatureMapDiscriminator output must be one of {_OUTPUTS}, '
                             f'got {output!r}')
        if norm not in _NORMS:
            raise ValueError(f'FeatureMapDiscriminator norm must be one of {_NORMS}, '
                             f'got {norm!r}')
        if num_convs < 1:
            raise ValueError(f'FeatureMapDiscriminator num_convs must be >= 1, got {num_convs}')
        mid_channels = mid_channels or max(in_channels // 2, 8)
        layers, channels = [], in_channels
        for _ in range(num_convs):
            layers.append(nn.Conv2d(channels, mid_channels, 3, padding=1, bias=norm == 'none'))
            if norm == 'batch':
                layers.append(nn.BatchNorm2d(mid_channels))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            channels = mid_channels
        layers.append(nn.Conv2d(channels, 1, 1))
        self.layers = nn.Sequential(*layers)
        self.in_channels = in_channels
        self.output = output
        self.norm = norm

    def forward(self, feat: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, 1, H, W) score map, or (N, 1) with ``output='sample'``."""
        if feat.dim() != 4 or feat.shape[1] != self.in_channels:
            raise ValueError(f'{type(self).__name__} takes (N, {self.in_channels}, H, W) '
                             f'feature maps, got {tuple(feat.shape)}')
        score = self.layers(feat)
        return score.mean(dim=(2, 3)) if self.output == 'sample' else score
