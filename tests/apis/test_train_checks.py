"""Start-up checks of mmkd_ext.apis.train: typos in hooks (ours and upstream, the checkpoint
hook's deferred arguments included), loops (MMRazor's epoch loops included), optimizer
wrappers and optimizers stop ``tools/train.py`` before the runner is built, with the
nearest names; ``--amp`` without an accelerator is one ``error:`` line; the
``MMKD_MAX_*`` caps shorten a run."""
import os
import os.path as osp

import pytest
from mmengine.config import Config

from mmkd_ext.apis.caps import cap_config, cap_iterations, cap_seeds, env_cap
from mmkd_ext.engine import diagnostics
from mmkd_ext.engine.diagnostics import accepted_arguments, config_problems
from tests.tools._tiny_sr import (
    REPO,
    distill_model,
    make_sr_data,
    run_tool_in_process,
    sr_config,
    write_config,
)

LSQ = osp.join(REPO, 'configs', 'kd', 'resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py')


def _train(tmp_path, *options: str, cfg=None):
    """``tools/train.py`` on a tiny SR config with ``--cfg-options options``; returns the
    exit message. Nothing may have been trained."""
    cfg = cfg or sr_config(distill_model(None), make_sr_data(str(tmp_path / 'data'), num=2))
    config = write_config(str(tmp_path / 'cfg.py'), cfg)
    work = tmp_path / 'work'
    args = ['--cfg-options', *options] if options else []
    with pytest.raises(SystemExit) as stop:
        run_tool_in_process('train.py', config, '--work-dir', str(work), *args)
    assert not (work.exists() and any(n.endswith('.pth') for n in os.listdir(work)))
    return str(stop.value.code)


@pytest.mark.parametrize('option, expected', [
    ('default_hooks.checkpoint.intervl=2',
     ["default_hooks.checkpoint: ", "no argument 'intervl' (did you mean 'interval'?)"]),
    ('default_hooks.logger.interavl=2',
     ["default_hooks.logger: LoggerHook has no argument 'interavl'", "'interval'"]),
    ('default_hooks.non_finite.acton=skip',
     ["NonFiniteLossHook has no argument 'acton' (did you mean 'action'?)"]),
    ('default_hooks.checkpoint.type=CheckpointHok',
     ["unknown hook type 'CheckpointHok'", "'CheckpointHook'"]),
    ('train_cfg.max_epochs=2',
     ["train_cfg: IterBasedTrainLoop has no argument 'max_epochs' (did you mean 'max_iters'?)",
      'counts iterations']),
    ('train_cfg.type=IterBasedTrainLop', ["unknown loop type 'IterBasedTrainLop'"]),
    ('val_cfg.type=mmagic.MultiValLop', ["unknown loop type 'mmagic.MultiValLop'",
                                         "'mmagic.MultiValLoop'"]),
    ('optim_wrapper.clip_gard=None',
     ["optim_wrapper: OptimWrapper has no argument 'clip_gard' (did you mean 'clip_grad'?)"]),
    ('optim_wrapper.optimizer.betaz=[0.9,0.99]',
     ["optim_wrapper.optimizer: Adam has no argument 'betaz' (did you mean 'betas'?)"]),
], ids=['checkpoint-hook', 'logger-hook', 'our-hook', 'hook-type', 'iter-loop', 'loop-type',
        'mmagic-loop', 'optim-wrapper', 'optimizer'])
def test_typo_stops_at_start_with_the_nearest_name(tmp_path, option, expected):
    message = _train(tmp_path, option)
    assert message.startswith('error: ')
    missing = [e for e in expected if e not in message]
    assert not missing, message


def test_custom_hook_typo(tmp_path):
    cfg = sr_config(distill_model(None), make_sr_data(str(tmp_path / 'data'), num=2))
    cfg['custom_hooks'] = [dict(type='DistillVisualizationHook', intervall=5)]
    message = _train(tmp_path, cfg=cfg)
    assert ("custom_hooks[0]: DistillVisualizationHook has no argument 'intervall' "
            "(did you mean 'interval'?)") in message


def test_max_iters_on_mmrazor_epoch_loop_names_max_epochs():
    """MMRazor's LSQEpochBasedLoop counts epochs (kd_variance.py's and train.py's
    ``train_cfg.max_iters=2`` on the LSQ configs)."""
    cfg = Config.fromfile(LSQ)
    cfg.merge_from_dict({'train_cfg.max_iters': 2})
    problems = config_problems(cfg)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        "train_cfg: mmrazor.LSQEpochBasedLoop has no argument 'max_iters' "
        "(did you mean 'max_epochs'?): this loop counts epochs, set train_cfg.max_epochs=N")


def test_kd_variance_with_max_iters_on_the_lsq_pair_is_an_error_line(tmp_path):
    with pytest.raises(SystemExit, match="LSQEpochBasedLoop has no argument 'max_iters'"):
        run_tool_in_process('analysis/kd_variance.py', LSQ, '--seeds', '0', '1',
                            '--work-dir', str(tmp_path), '--cfg-options',
                            'train_cfg.max_iters=2')


def test_checkpoint_hook_accepts_only_its_own_arguments():
    from mmengine.hooks import CheckpointHook, LoggerHook
    from mmengine.optim import AmpOptimWrapper

    from mmkd_ext.engine.hooks import AtomicCheckpointHook
    for hook in (CheckpointHook, AtomicCheckpointHook):
        accepted = accepted_arguments(hook)
        assert 'interval' in accepted and 'save_best' in accepted and 'intervl' not in accepted
    assert 'interval' in accepted_arguments(LoggerHook)
    # **kwargs followed to the base class
    assert {'loss_scale', 'accumulative_counts', 'clip_grad'} <= set(
        accepted_arguments(AmpOptimWrapper))


def test_amp_without_accelerator_is_an_error_line(tmp_path, monkeypatch):
    monkeypatch.setattr(diagnostics, '_has_accelerator', lambda: False)
    cfg = sr_config(distill_model(None), make_sr_data(str(tmp_path / 'data'), num=2))
    config = write_config(str(tmp_path / 'cfg.py'), cfg)
    with pytest.raises(SystemExit) as stop:
        run_tool_in_process('train.py', config, '--work-dir', str(tmp_path / 'w'), '--amp')
    assert str(stop.value.code) == (
        'error: --amp (AmpOptimWrapper in optim_wrapper) needs a CUDA, NPU, MLU or MUSA '
        'device and this machine has none: train without --amp (on CPU, FeatureDistill and '
        "FEED run their teacher in bf16 with model.teacher_precision='bf16')")


def test_shipped_configs_have_no_start_up_problems():
    for name in ('lsfd/lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py',
                 'afd/afd_3xresnet8-w8_1xb64-1k_fashion-mnist.py',
                 'sgn/sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo.py',
                 'kd/resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py',
                 'kd/resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py'):
        assert config_problems(Config.fromfile(osp.join(REPO, 'configs', name))) == [], name


# -- MMKD_MAX_* ------------------------------------------------------------------------------

def test_caps_shorten_iteration_and_epoch_loops(monkeypatch):
    monkeypatch.setenv('MMKD_MAX_ITERS', '2')
    monkeypatch.delenv('MMKD_MAX_EPOCHS', raising=False)
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'afd',
                                   'afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py'))
    cap_config(cfg)
    assert cfg.train_cfg.max_iters == 2 and cfg.train_cfg.val_interval == 2
    assert cfg.default_hooks.checkpoint.interval == 2 and cfg.default_hooks.logger.interval == 2
    lsq = Config.fromfile(LSQ)
    lsq.merge_from_dict({'train_cfg.max_epochs': 5})
    cap_config(lsq)  # epoch loop: MMKD_MAX_EPOCHS, 1 by default when MMKD_MAX_ITERS is set
    assert lsq.train_cfg.max_epochs == 1
    monkeypatch.setenv('MMKD_MAX_EPOCHS', '3')
    lsq.train_cfg.max_epochs = 5
    cap_config(lsq)
    assert lsq.train_cfg.max_epochs == 3
    assert cap_iterations(800) == 2 and cap_iterations(1) == 1


def test_caps_unset_change_nothing_and_bad_values_are_named(monkeypatch):
    for name in ('MMKD_MAX_ITERS', 'MMKD_MAX_EPOCHS', 'MMKD_MAX_SEEDS'):
        monkeypatch.delenv(name, raising=False)
    cfg = Config(dict(train_cfg=dict(max_iters=1000, val_interval=500)))
    assert cap_config(cfg) == [] and cfg.train_cfg.max_iters == 1000
    assert cap_seeds([0, 1, 2]) == [0, 1, 2]
    monkeypatch.setenv('MMKD_MAX_SEEDS', '1')
    assert cap_seeds([0, 1, 2]) == [0] and cap_seeds([0, 1, 2], minimum=2) == [0, 1]
    monkeypatch.setenv('MMKD_MAX_ITERS', 'two')
    with pytest.raises(ValueError, match="MMKD_MAX_ITERS must be a positive integer, got 'two'"):
        env_cap('MMKD_MAX_ITERS')


def test_test_tool_checks_its_hooks_and_loop(tmp_path):
    from tests.tools._tiny_sr import make_teacher_ckpt
    cfg = sr_config(distill_model(None), make_sr_data(str(tmp_path / 'data'), num=2))
    config = write_config(str(tmp_path / 'cfg.py'), cfg)
    ckpt = make_teacher_ckpt(str(tmp_path / 't.pth'))
    with pytest.raises(SystemExit) as stop:
        run_tool_in_process('test.py', config, ckpt, '--work-dir', str(tmp_path / 'w'),
                            '--cfg-options', 'test_cfg.fp61=True', 'optim_wrapper.clip_gard=1')
    message = str(stop.value.code)
    assert "test_cfg: mmagic.MultiTestLoop has no argument 'fp61' (did you mean 'fp16'?)" in \
        message
    assert 'clip_gard' not in message  # the training's parts are not built by a test
