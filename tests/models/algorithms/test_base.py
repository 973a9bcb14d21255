import os.path as osp

import pytest
import torch

from mmkd_ext.models.algorithms.base import build_frozen_teacher, load_teacher_weights
from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_editor


def save(path, state):
    torch.save({'meta': {}, 'state_dict': state}, path)
    return str(path)


def test_loads_plain_ddp_and_student_prefixed_checkpoints(tmp_path):
    source = MODELS.build(tiny_editor(8, 2))
    state = source.state_dict()
    for name, ckpt in [('plain', state),
                       ('ddp', {f'module.{k}': v for k, v in state.items()}),
                       ('algo', {**{f'student.{k}': v for k, v in state.items()},
                                 'connectors.body.conv.weight': torch.zeros(1)})]:
        teacher = build_frozen_teacher(tiny_editor(8, 2), save(tmp_path / f'{name}.pth', ckpt))
        for k, v in teacher.state_dict().items():
            assert torch.equal(v, state[k]), (name, k)
        assert all(not p.requires_grad for p in teacher.parameters())
        assert not teacher.training


def test_missing_checkpoint():
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        build_frozen_teacher(tiny_editor(), 'nope.pth')


def test_mismatched_checkpoint_names_the_problem(tmp_path):
    other = MODELS.build(tiny_editor(16, 2)).state_dict()
    path = save(tmp_path / 'wide.pth', other)
    teacher = MODELS.build(tiny_editor(8, 2))
    with pytest.raises(ValueError, match=r'size mismatch: \[.generator.conv_first.weight: '
                                         r'checkpoint \(16, 3, 3, 3\) vs model \(8, 3, 3, 3\)'):
        load_teacher_weights(teacher, path)
    deeper = MODELS.build(tiny_editor(8, 3)).state_dict()
    with pytest.raises(ValueError, match=r'not in the teacher: \[.generator.body.2'):
        load_teacher_weights(teacher, save(tmp_path / 'deep.pth', deeper))


def test_observer_ranges_sized_at_load_are_not_a_mismatch(tmp_path):
    """A quantization observer holds empty per-channel ranges until it has seen data (an
    MMRazor QAT model built from its config); a trained checkpoint's ranges load into it,
    while a real size mismatch of a weight is still reported."""
    from torch.ao.quantization.observer import PerChannelMinMaxObserver

    def net():
        return torch.nn.ModuleDict(dict(conv=torch.nn.Conv2d(1, 4, 3),
                                        obs=PerChannelMinMaxObserver(ch_axis=0)))

    trained = net()
    trained.obs(trained.conv.weight.detach())
    path = save(tmp_path / 'qat.pth', trained.state_dict())
    fresh = net()
    assert fresh.obs.min_val.shape == (0, )
    load_teacher_weights(fresh, path, role='model')
    assert torch.equal(fresh.obs.max_val, trained.obs.max_val)
    wider = dict(trained.state_dict(), **{'conv.weight': torch.zeros(8, 1, 3, 3)})
    with pytest.raises(ValueError, match=r'size mismatch: \[.conv.weight'):
        load_teacher_weights(fresh, save(tmp_path / 'wide.pth', wider), role='model')


def test_checkpoint_without_tensors(tmp_path):
    path = tmp_path / 'meta.pth'
    torch.save({'state_dict': {'a': 1}}, path)
    with pytest.raises(ValueError, match='no state_dict of tensors'):
        load_teacher_weights(MODELS.build(tiny_editor()), str(path))


def test_relative_checkpoint_found_in_the_project_root(tmp_path, monkeypatch):
    from mmkd_ext.models.algorithms import base
    root, cwd = tmp_path / 'root', tmp_path / 'elsewhere'
    (root / 'checkpoints').mkdir(parents=True)
    cwd.mkdir()
    state = MODELS.build(tiny_editor(8, 2)).state_dict()
    save(root / 'checkpoints' / 'tiny.pth', state)
    monkeypatch.setattr(base, 'project_root', lambda: str(root))
    monkeypatch.chdir(cwd)
    model = MODELS.build(dict(
        type='FeatureDistill', student=tiny_editor(8, 2), teacher=tiny_editor(8, 2),
        teacher_ckpt='checkpoints/tiny.pth', output_loss=dict(type='mmagic.L1Loss')))
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, state[k]), k
    # a file of that name in the working directory comes first
    (cwd / 'checkpoints').mkdir()
    save(cwd / 'checkpoints' / 'tiny.pth', state)
    assert base.resolve_checkpoint('checkpoints/tiny.pth') == 'checkpoints/tiny.pth'


def test_relative_checkpoint_found_in_the_wheels_mim_folder(tmp_path, monkeypatch):
    from mmkd_ext.models.algorithms import base
    package = tmp_path / 'site-packages' / 'mmkd_ext'
    (package / '.mim' / 'checkpoints').mkdir(parents=True)
    path = save(package / '.mim' / 'checkpoints' / 'tiny.pth',
                MODELS.build(tiny_editor(8, 2)).state_dict())
    monkeypatch.setattr(base, 'project_root', lambda: str(tmp_path / 'site-packages'))
    monkeypatch.setattr(base, 'PACKAGE_DIR', str(package))
    monkeypatch.chdir(tmp_path)
    assert base.resolve_checkpoint('checkpoints/tiny.pth') == path


def test_missing_relative_checkpoint_lists_the_places_looked_at(tmp_path, monkeypatch):
    from mmkd_ext.models.algorithms import base
    monkeypatch.setattr(base, 'project_root', lambda: str(tmp_path / 'root'))
    monkeypatch.setattr(base, 'PACKAGE_DIR', str(tmp_path / 'pkg'))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        build_frozen_teacher(tiny_editor(), 'checkpoints/nope.pth')
    for place in (tmp_path / 'checkpoints', tmp_path / 'root' / 'checkpoints',
                  tmp_path / 'pkg' / '.mim' / 'checkpoints'):
        assert str(place / 'nope.pth') in str(info.value)
    with pytest.raises(TypeError, match='non-empty str'):
        base.resolve_checkpoint(None)


def test_shipped_demo_teacher_loads_from_any_working_directory(tmp_path, monkeypatch):
    from mmengine import Config

    from mmkd_ext.apis.paths import project_root
    cfg = Config.fromfile(osp.join(project_root(), 'configs', 'fitnet',
                                   'fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'))
    model = cfg.model.to_dict()
    assert not osp.isabs(model['teacher_ckpt'])
    model['student']['generator'].update(mid_channels=8, num_blocks=1)
    monkeypatch.chdir(tmp_path)
    teacher = MODELS.build(model).teacher
    state = torch.load(osp.join(project_root(), model['teacher_ckpt']), map_location='cpu',
                       weights_only=True)['state_dict']
    for k, v in teacher.state_dict().items():
        assert torch.equal(v, state[k]), k
