import torch

from mmkd_ext.registry import MODELS


def test_maps_channels_keeps_size_non_negative():
    layer = MODELS.build(dict(type='TransferLayer', in_channels=4, out_channels=8))
    out = layer(torch.randn(2, 4, 5, 5))
    assert out.shape == (2, 8, 5, 5) and out.min() >= 0
    layer = MODELS.build(dict(type='TransferLayer', in_channels=4, out_channels=8, act=False))
    assert layer(torch.randn(2, 4, 5, 5)).min() < 0
