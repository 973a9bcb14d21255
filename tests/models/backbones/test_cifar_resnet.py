import pytest
import torch

from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier


def test_stages_shapes_and_paper_size():
    net = MODELS.build(dict(type='CIFARResNet', depth=8, in_channels=1, base_channels=4,
                            out_indices=(0, 1, 2)))
    assert [len(getattr(net, f'layer{i}')) for i in (1, 2, 3)] == [1, 1, 1]
    outs = net(torch.rand(2, 1, 16, 16))
    assert [tuple(o.shape) for o in outs] == [(2, 4, 16, 16), (2, 8, 8, 8), (2, 16, 4, 4)]
    resnet56 = MODELS.build(dict(type='CIFARResNet', depth=56))
    assert [len(getattr(resnet56, f'layer{i}')) for i in (1, 2, 3)] == [9, 9, 9]
    # ResNet-56 with a 100-way linear head: 0.86M parameters, as in the literature
    assert sum(p.numel() for p in resnet56.parameters()) + 64 * 100 + 100 == 861620


def test_inside_an_mmpretrain_classifier():
    model = MODELS.build(tiny_classifier())
    assert model(torch.rand(2, 1, 16, 16)).shape == (2, 10)


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(depth=18), ValueError, r'\(8, 14, 20, 32, 44, 56, 110\)'),
    (dict(out_indices=(3, )), ValueError, 'out_indices'),
    (dict(num_stage=4), TypeError, 'num_stage'),
])
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        MODELS.build(dict(type='CIFARResNet', **kwargs))
