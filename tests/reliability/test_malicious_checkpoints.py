"""A checkpoint whose pickle calls ``os.system`` is refused at every place the package loads
one: teachers, resume (explicit and automatic), ``load_from``, ``init_cfg`` pretrained
weights, tools/test.py, the model converters and the sequential FEED tool."""
import os
import os.path as osp

import pytest
import torch

from mmkd_ext.apis.feed_sequential import best_score
from mmkd_ext.checkpoint import UnsafeCheckpointError
from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier
from tests.models._editors import tiny_editor
from tests.tools._tiny_cls import feed_model
from tests.tools._tiny_sr import (
    TOOLS,
    distill_model,
    make_sr_data,
    run_tool_in_process,
    sr_config,
    write_config,
)

SGN_CONFIG = osp.join(TOOLS, '..', 'configs', 'sgn',
                      'sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo.py')


class _CallsSystem:
    """Unpickles as ``os.system(command)``."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


def _plant(path, marker) -> str:
    """A checkpoint with a real state_dict whose ``meta`` runs ``touch marker``."""
    state = MODELS.build(tiny_editor(16, 2)).state_dict()
    torch.save({'state_dict': state, 'meta': _CallsSystem(f'touch {marker}')}, str(path))
    return str(path)


def _tiny_sr_config(tmp_path, **changes) -> str:
    cfg = sr_config(distill_model(None), make_sr_data(str(tmp_path / 'data'), num=2))
    cfg.update(changes)
    return write_config(str(tmp_path / 'cfg.py'), cfg)


def _train(tmp_path, evil, *args, **changes):
    run_tool_in_process('train.py', _tiny_sr_config(tmp_path, **changes), '--work-dir',
                        str(tmp_path / 'work'), *args)


def _auto_resume(tmp_path, evil):
    (tmp_path / 'work').mkdir()
    (tmp_path / 'work' / 'last_checkpoint').write_text(evil)
    _train(tmp_path, evil, '--resume')


def _sequential_feed(tmp_path, evil):
    best_score(evil)


ENTRY_POINTS = {
    'teacher_ckpt (FeatureDistill)': lambda tmp, evil: MODELS.build(distill_model(evil)),
    'teacher_ckpt (LogitKD)': lambda tmp, evil: MODELS.build(dict(
        type='LogitKD', student=tiny_classifier(2), teacher=tiny_classifier(4),
        teacher_ckpt=evil)),
    'teacher_ckpts (FEED)': lambda tmp, evil: MODELS.build(feed_model(dict(t1=evil, t2=evil))),
    'init_cfg Pretrained': lambda tmp, evil: MODELS.build(dict(
        tiny_editor(16, 2), init_cfg=dict(type='Pretrained', checkpoint=evil))).init_weights(),
    'train.py --resume CKPT': lambda tmp, evil: _train(tmp, evil, '--resume', evil),
    'train.py --resume (last_checkpoint)': _auto_resume,
    'train.py load_from': lambda tmp, evil: _train(tmp, evil, load_from=evil),
    'test.py CKPT': lambda tmp, evil: run_tool_in_process(
        'test.py', _tiny_sr_config(tmp), evil, '--work-dir', str(tmp / 'work')),
    'extract_student.py': lambda tmp, evil: run_tool_in_process(
        'model_converters/extract_student.py', evil, str(tmp / 'out.pth')),
    'apis.feed_sequential.best_score (feed_sequential.py)': _sequential_feed,
    'apis.SGNMixer (tools/sgn_mix.py)': lambda tmp, evil: __import__(
        'mmkd_ext.apis', fromlist=['SGNMixer']).SGNMixer(SGN_CONFIG, evil),
}


@pytest.mark.parametrize('entry', sorted(ENTRY_POINTS))
def test_code_running_checkpoint_is_refused(tmp_path, entry):
    marker = tmp_path / 'pwned'
    evil = _plant(tmp_path / 'evil.pth', marker)
    with pytest.raises(UnsafeCheckpointError) as info:
        ENTRY_POINTS[entry](tmp_path, evil)
    assert evil in str(info.value) and 'posix.system' in str(info.value)
    assert not marker.exists()


def test_url_checkpoint_is_refused(tmp_path, monkeypatch):
    """``load_from='https://...'`` (also ``torchvision://``, ``open-mmlab://``): the file in
    torch's hub cache is what gets unpickled."""
    from mmengine.runner.checkpoint import CheckpointLoader
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    os.makedirs(tmp_path / 'hub' / 'checkpoints')
    marker = tmp_path / 'pwned'
    _plant(tmp_path / 'hub' / 'checkpoints' / 'evil.pth', marker)
    try:
        with pytest.raises(UnsafeCheckpointError):
            CheckpointLoader.load_checkpoint('https://example.invalid/evil.pth')
    finally:
        assert not marker.exists()
