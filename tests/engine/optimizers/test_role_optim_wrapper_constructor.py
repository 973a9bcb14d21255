"""Optimizer wrappers per sub-module and per role of one (AFD's net{k}_adv)."""
import glob
import os.path as osp

import pytest
import torch
from mmengine import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample
from torch import nn

from mmkd_ext.registry import MODELS
from tests.configs.test_configs import shrink
from tests.models._classifiers import tiny_classifier

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', '..', 'configs')
SGD = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))


class Pair(nn.Module):

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(2, 2), nn.Linear(2, 3)

    def optim_modules(self):
        return dict(a='a', b='b', a_slow='a')


def build(model, **keys):
    init_default_scope('mmkd_ext')  # as the Runner does with the configs' default_scope
    return build_optim_wrapper(model, dict(constructor='RoleOptimWrapperConstructor', **keys))


def test_keys_roles_and_modules():
    model = Pair()
    wrappers = build(model, a=SGD, a_slow=dict(optimizer=dict(type='SGD', lr=0.01)),
                     both=dict(SGD, modules=['a', 'b']), b_only=dict(SGD, modules='b'))
    assert set(wrappers.keys()) == {'a', 'a_slow', 'both', 'b_only'}

    def params(key):
        return [p for g in wrappers[key].optimizer.param_groups for p in g['params']]

    assert params('a') == list(model.a.parameters())
    assert params('a_slow') == list(model.a.parameters())  # a role: the same parameters...
    assert wrappers['a_slow'].optimizer is not wrappers['a'].optimizer  # ...its own state
    assert wrappers['a_slow'].get_lr()['lr'] == [0.01]
    assert params('both') == list(model.a.parameters()) + list(model.b.parameters())
    assert params('b_only') == list(model.b.parameters())


def test_unknown_key_names_the_modules_and_roles():
    with pytest.raises(ValueError, match=r"optim_wrapper\['c'\]: \['c'\] name no sub-module of "
                       r"Pair; its sub-modules are \['a', 'b'\] and its optimizer roles "
                       r"\['a', 'a_slow', 'b'\]"):
        build(Pair(), c=SGD)
    with pytest.raises(ValueError, match=r"optim_wrapper\['a'\] must be a dict with an "
                       '`optimizer`'):
        build(Pair(), a=dict(type='OptimWrapper'))


def test_afd_roles_without_modules():
    init_default_scope('mmkd_ext')
    model = MODELS.build(dict(type='AFD', nets=[tiny_classifier(2), tiny_classifier(2)],
                              probe_shape=(1, 16, 16)))
    wrappers = build(model, **{key: SGD for key in model.optim_keys()})
    assert sorted(wrappers.keys()) == sorted(model.optim_keys())
    assert wrappers['net1_adv'].optimizer.param_groups[0]['params'] == list(
        model.net1.parameters())


@pytest.mark.parametrize('path', sorted(glob.glob(osp.join(CONFIGS, 'afd', '*.py'))),
                         ids=osp.basename)
def test_every_afd_config_builds_its_optimizers_and_trains_a_step(path):
    cfg = Config.fromfile(path)
    model_cfg = cfg.model.to_dict()
    shrink(model_cfg)
    init_default_scope('mmkd_ext')
    model = MODELS.build(model_cfg)
    wrappers = build_optim_wrapper(model, cfg.optim_wrapper.to_dict())
    assert sorted(wrappers.keys()) == sorted(model.optim_keys())
    # the Runner builds param_scheduler[key] for every optimizer key
    assert set(model.optim_keys()) <= set(cfg.param_scheduler)
    for key, wrapper in wrappers.items():
        decay = [g['weight_decay'] for g in wrapper.optimizer.param_groups]
        if key.endswith('_adv') or key.startswith('trans') and not model.fused:
            assert decay == [0.0] * len(decay), key  # weight decay once, in the task step
    images = torch.randint(0, 256, (2, *model_cfg['probe_shape']), dtype=torch.uint8)
    log = model.train_step(dict(inputs=list(images), data_samples=[
        DataSample().set_gt_label(label) for label in (0, 1)]), wrappers)
    assert 'net0.loss_cls' in log
