"""Checkpoints are complete or absent: temporary file + rename, rotation after the save."""
import os
import os.path as osp

import pytest
import torch
from mmengine.registry import DefaultScope

from mmkd_ext.engine import atomic_save
from mmkd_ext.engine.hooks import AtomicCheckpointHook
from mmkd_ext.registry import HOOKS


def test_checkpoint_hook_in_mmkd_ext_scope_is_atomic():
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        hook = HOOKS.build(dict(type='CheckpointHook', interval=1))
    assert isinstance(hook, AtomicCheckpointHook)


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / 'iter_2.pth')
    atomic_save.save_checkpoint_atomic({'state_dict': {'w': torch.ones(2)}}, path)

    def interrupted(src, dst):  # the process dies between the write and the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_save.os, 'replace', interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_save.save_checkpoint_atomic({'state_dict': {'w': torch.zeros(2)}}, path)
    assert torch.equal(torch.load(path)['state_dict']['w'], torch.ones(2))
    assert os.listdir(tmp_path) == ['iter_2.pth']  # the temporary file is gone too


def test_rotation_deletes_after_the_new_checkpoint_is_saved(tmp_path, tiny_runner, monkeypatch):
    events = []
    real_replace = atomic_save.os.replace

    def replace(src, dst):
        events.append(('saved', osp.basename(dst)))
        real_replace(src, dst)

    real_remove = os.remove

    def remove(path, *args, **kwargs):
        if path.endswith('.pth'):
            events.append(('removed', osp.basename(path)))
        real_remove(path, *args, **kwargs)

    monkeypatch.setattr(atomic_save.os, 'replace', replace)
    monkeypatch.setattr(os, 'remove', remove)
    runner = tiny_runner(tmp_path, max_iters=6)
    hook = next(h for h in runner.hooks if isinstance(h, AtomicCheckpointHook))
    hook.max_keep_ckpts = 1
    runner.train()
    saved = [e for e in events if e[1].startswith('iter_')]
    assert saved == [('saved', 'iter_2.pth'), ('saved', 'iter_4.pth'), ('removed', 'iter_2.pth'),
                     ('saved', 'iter_6.pth'), ('removed', 'iter_4.pth')]
    assert ('saved', 'last_checkpoint') in events
    with open(tmp_path / 'last_checkpoint') as f:
        assert f.read() == str(tmp_path / 'iter_6.pth')
    assert sorted(n for n in os.listdir(tmp_path) if n.endswith('.pth')) == ['iter_6.pth']


def test_partial_writes_are_removed_when_training_starts(tmp_path, tiny_runner):
    leftover = tmp_path / f'.iter_4.pth.123{atomic_save.TMP_SUFFIX}'
    leftover.write_bytes(b'half a checkpoint')
    tiny_runner(tmp_path, max_iters=2).train()
    assert not leftover.exists()
    assert (tmp_path / 'iter_2.pth').exists()


def test_missing_save_best_metric_lists_the_metrics(tmp_path, tiny_runner):
    runner = tiny_runner(tmp_path, max_iters=2)
    hook = AtomicCheckpointHook(interval=1, save_best='accuracy/top1')
    hook.before_train(runner)
    with pytest.raises(KeyError, match=r"no metric \['accuracy/top1'\].*"
                       r"metrics are \['loss', 'net0/accuracy/top1'\]"):
        hook.after_val_epoch(runner, {'net0/accuracy/top1': 50.0, 'loss': 1.0})


def test_train_py_guards_configs_on_another_runtime():
    """MMRazor's QAT recipe inherits MMRazor's runtime (a CheckpointHook of scope mmcls, no
    guard); tools/train.py gives it mmkd_ext's hooks, and None removes one."""
    from mmengine.config import Config

    from mmkd_ext.apis.train import add_runtime_guards
    from tests.tools._tiny_sr import REPO
    cfg = Config.fromfile(osp.join(
        REPO, 'configs', 'kd', 'kd_resnet8_resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py'))
    assert cfg.default_hooks.checkpoint._scope_ == 'mmcls'
    cfg.merge_from_dict({'default_hooks.random_state': None})
    hooks = add_runtime_guards(cfg).default_hooks
    assert hooks.checkpoint.type == 'mmkd_ext.AtomicCheckpointHook'
    assert '_scope_' not in hooks.checkpoint and hooks.checkpoint.max_keep_ckpts == 1
    assert hooks.non_finite.type == 'mmkd_ext.NonFiniteLossHook'
    assert 'random_state' not in hooks
