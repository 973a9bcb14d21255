import pytest
import torch

import mmkd_ext.models.backbones.wide_resnet  # noqa: F401  (configs: custom_imports)
from mmkd_ext.registry import MODELS


def test_stages_shapes_and_paper_size():
    net = MODELS.build(dict(type='WideResNet', depth=10, widen_factor=1, in_channels=1,
                            out_indices=(0, 1, 2)))
    outs = net(torch.rand(2, 1, 16, 16))
    assert [tuple(o.shape) for o in outs] == [(2, 16, 16, 16), (2, 32, 8, 8), (2, 64, 4, 4)]
    assert outs[2].min() >= 0  # the final BN + ReLU closes layer3
    # WRN-16-2 / WRN-40-2 with a 100-way linear head: ~0.70M / ~2.26M parameters
    for depth, expected in ((16, 0.70e6), (40, 2.26e6)):
        wrn = MODELS.build(dict(type='WideResNet', depth=depth, widen_factor=2))
        params = sum(p.numel() for p in wrn.parameters()) + 128 * 100 + 100
        assert abs(params - expected) / expected < 0.02, (depth, params)


def test_inside_an_mmpretrain_classifier_and_init():
    model = MODELS.build(dict(
        _scope_='mmpretrain', type='ImageClassifier',
        backbone=dict(type='mmkd_ext.WideResNet', depth=10, widen_factor=1, in_channels=1),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64)))
    model.init_weights()
    assert model(torch.rand(2, 1, 16, 16)).shape == (2, 10)


@pytest.mark.parametrize('kwargs, match', [
    (dict(depth=18), r'6n \+ 4'),
    (dict(widen_factor=0), '>= 1'),
    (dict(out_indices=(3, )), 'out_indices'),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(dict(type='WideResNet', **kwargs))
