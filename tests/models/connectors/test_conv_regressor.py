import pytest
import torch

from mmkd_ext.registry import MODELS


@pytest.mark.parametrize('kernel_size', [1, 3])
def test_maps_channels_keeps_size(kernel_size):
    reg = MODELS.build(dict(type='ConvRegressor', in_channels=4, out_channels=8,
                            kernel_size=kernel_size))
    assert reg(torch.rand(2, 4, 5, 5)).shape == (2, 8, 5, 5)


def test_bad_kernel_size():
    with pytest.raises(ValueError, match='1 or 3'):
        MODELS.build(dict(type='ConvRegressor', in_channels=4, out_channels=8, kernel_size=5))
