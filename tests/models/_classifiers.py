"""Tiny mmpretrain classifiers for tests (<= 16 channels, 1 x 16 x 16 inputs)."""
from typing import Optional

import torch
from mmpretrain.structures import DataSample


def tiny_classifier(width: int = 4, depth: int = 8, num_classes: int = 10,
                    backbone: Optional[dict] = None, feat_channels: Optional[int] = None) -> dict:
    """An ``ImageClassifier`` on a CIFAR ResNet with ``width``/``2w``/``4w`` channels, or on
    ``backbone`` whose last stage has ``feat_channels`` channels."""
    backbone = backbone or dict(type='mmkd_ext.CIFARResNet', depth=depth, in_channels=1,
                                base_channels=width)
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        data_preprocessor=dict(num_classes=num_classes, mean=[128.], std=[64.]),
        backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=num_classes,
                  in_channels=feat_channels or 4 * width))


def tiny_cls_batch(n: int = 2, size: int = 16, num_classes: int = 10, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.rand(n, 1, size, size, generator=g)
    labels = torch.randint(num_classes, (n, ), generator=g)
    return inputs, [DataSample().set_gt_label(int(label)) for label in labels]
