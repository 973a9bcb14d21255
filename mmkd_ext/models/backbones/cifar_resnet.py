"""The CIFAR ResNets of He et al. (depth 6n+2: ResNet-20/32/44/56/110) on mmpretrain's blocks."""
from typing import Sequence

from mmpretrain.models.backbones.resnet import BasicBlock
from mmpretrain.models.backbones.resnet_cifar import ResNet_CIFAR

from mmkd_ext.registry import MODELS

__all__ = ['CIFARResNet']


@MODELS.register_module()
class CIFARResNet(ResNet_CIFAR):
    """Deep Residual Learning for Image Recognition, CVPR 2016 (arXiv 1512.03385), sec. 4.2.

    A 3x3 stem and three stages of ``(depth - 2) / 6`` basic blocks with ``w``, ``2w``,
    ``4w`` channels (``w = base_channels``, 16 in the paper) and strides 1, 2, 2: the
    ResNet-56/110 of the distillation literature. mmpretrain's ``ResNet_CIFAR`` only has the
    ImageNet depths (18...152) with four stages; this subclass reuses its stem, blocks and
    options (``norm_cfg``, ``frozen_stages``, ``zero_init_residual`` ...), so the stages are
    ``layer1``...``layer3`` and the last one (``backbone.layer3``) is FEED's default tap.

    Note:
        The shortcut of a block that changes the shape is mmpretrain's 1x1 convolution + BN
        (the paper's option B), not the zero-padding shortcut (option A) of the CIFAR table.

    Args:
        depth (int): One of 8, 14, 20, 32, 44, 56, 110. Defaults to 56.
        in_channels (int): Input image channels. Defaults to 3.
        base_channels (int): Channels of the stem and the first stage. Defaults to 16.
        out_indices (Sequence[int]): Stages whose outputs are returned (0, 1, 2).
            Defaults to (2, ).
        **kwargs: Other options of mmpretrain's ``ResNet`` (``norm_cfg``, ``frozen_stages``,
            ``zero_init_residual``, ``init_cfg``...); unknown names raise ``TypeError``.
    """

    arch_settings = {d: (BasicBlock, ((d - 2) // 6, ) * 3) for d in (8, 14, 20, 32, 44, 56, 110)}

    def __init__(self, depth: int = 56, in_channels: int = 3, base_channels: int = 16,
                 out_indices: Sequence[int] = (2, ), **kwargs):
        if depth not in self.arch_settings:
            raise ValueError(f'CIFARResNet depth must be one of {tuple(self.arch_settings)} '
                             f'(6n + 2), got {depth!r}')
        if not out_indices or not set(out_indices) <= {0, 1, 2}:
            raise ValueError(f'CIFARResNet out_indices must be stage indices in (0, 1, 2), '
                             f'got {out_indices!r}')
        super().__init__(depth, in_channels=in_channels, stem_channels=base_channels,
                         base_channels=base_channels, num_stages=3, strides=(1, 2, 2),
                         dilations=(1, 1, 1), out_indices=tuple(out_indices), **kwargs)
