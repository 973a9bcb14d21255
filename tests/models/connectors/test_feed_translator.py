import pytest
import torch
from torch import nn

from mmkd_ext.registry import MODELS


def test_structure_maps_channels_keeps_size():
    tr = MODELS.build(dict(type='FEEDTranslator', in_channels=4, out_channels=8))
    kinds = [type(m) for m in tr]
    assert kinds == [nn.Conv2d, nn.BatchNorm2d, nn.LeakyReLU] * 3
    assert (tr[0].in_channels, tr[0].out_channels, tr[3].in_channels) == (4, 8, 8)
    assert tr[0].kernel_size == (3, 3) and tr[2].negative_slope == 0.1
    assert tr(torch.rand(2, 4, 5, 5)).shape == (2, 8, 5, 5)


def test_options():
    tr = MODELS.build(dict(type='FEEDTranslator', in_channels=2, out_channels=3, num_layers=1,
                           negative_slope=0.2))
    assert len(tr) == 3 and tr[2].negative_slope == 0.2


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_layers=0), 'num_layers'),
    (dict(in_channels=0), 'in_channels'),
    (dict(out_channels=2.5), 'out_channels'),
])
def test_bad_options(kwargs, match):
    cfg = dict(type='FEEDTranslator', in_channels=4, out_channels=8)
    cfg.update(kwargs)
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg)
