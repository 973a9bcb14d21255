"""mmkd_ext's registries: children of mmengine's roots that reach every host package."""
import mmengine.registry as mmengine_registry
import pytest
import torch
from mmengine.registry import DefaultScope

import mmkd_ext.registry as registry


@pytest.mark.parametrize('name', registry.__all__)
def test_children_of_mmengine_roots(name):
    child = getattr(registry, name)
    root = getattr(mmengine_registry, name)
    assert child.scope == 'mmkd_ext'
    assert child.parent is root
    assert root.children['mmkd_ext'] is child
    assert child._locations and all(loc.startswith('mmkd_ext.') for loc in child._locations)


def test_unknown_names_fall_back_to_mmengine():
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        optimizer = registry.OPTIMIZERS.build(
            dict(type='SGD', params=[torch.nn.Parameter(torch.zeros(1))], lr=0.1))
    assert isinstance(optimizer, torch.optim.SGD)


def test_builds_mmagic_model():
    from mmagic.models import EDSRNet
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        net = registry.MODELS.build(
            dict(type='mmagic.EDSRNet', in_channels=3, out_channels=3, mid_channels=8,
                 num_blocks=1, upscale_factor=2))
    assert type(net) is EDSRNet
    assert net(torch.rand(1, 3, 8, 8)).shape == (1, 3, 16, 16)


def test_builds_mmpretrain_model():
    from mmpretrain.models import ResNet
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        net = registry.MODELS.build(dict(type='mmpretrain.ResNet', depth=18))
    assert type(net) is ResNet
    net.eval()  # mmpretrain's ResNet.train() returns None
    assert net(torch.rand(1, 3, 32, 32))[-1].shape == (1, 512, 1, 1)


def test_mmcls_scope_is_mmpretrain():
    from mmpretrain.datasets import PackInputs
    from mmpretrain.models import ResNet
    from mmpretrain.visualization import UniversalVisualizer
    assert registry.MODELS.get('mmcls.ResNet') is ResNet
    assert registry.VISUALIZERS.get('mmcls.ClsVisualizer') is UniversalVisualizer
    with DefaultScope.overwrite_default_scope('mmcls'):
        pack = registry.TRANSFORMS.build(dict(type='PackClsInputs'))
    assert type(pack) is PackInputs
