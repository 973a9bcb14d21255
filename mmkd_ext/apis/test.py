"""The test entry of ``tools/test.py``: evaluate a checkpoint with the config's
``test_dataloader`` (a dict or mmagic's list of test sets) and ``test_evaluator``.

Works on a distillation checkpoint with its algorithm config (the student is evaluated;
the teacher's weights come from the checkpoint, so ``teacher_ckpt`` is not needed) and on
a plain host checkpoint with a plain mmagic / mmpretrain config. The checkpoint is loaded
strictly through mmengine, hence through the weights-only allow-list of
:mod:`mmkd_ext.checkpoint`.
"""
import argparse
import functools
import os.path as osp
import sys
import zipfile
from typing import Optional

from mmengine.config import Config
from mmengine.hooks import Hook

from ..checkpoint import UnsafeCheckpointError
from ..engine.diagnostics import config_problems
from .paths import refuse_protected_outputs
from .preflight import data_problems
from .train import (
    build_runner,
    check_config_path,
    explained_build_errors,
    leave_process_group,
    stop_on,
)

__all__ = ['merge_args', 'checkpoint_problem', 'KeepMetricsHook', 'run_test']


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge the command-line arguments of ``tools/test.py`` into the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    cfg.resume = False
    # The checkpoint of a distillation algorithm holds its teachers too.
    model = cfg.get('model')
    if isinstance(model, dict):
        if model.get('teacher_ckpt'):
            model.teacher_ckpt = None
        if isinstance(model.get('teacher_ckpts'), dict):  # FEED: one per teacher
            model.teacher_ckpts = {name: None for name in model.teacher_ckpts}
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def checkpoint_problem(checkpoint: str, advice: str = '') -> Optional[str]:
    """Why a local checkpoint file cannot be read (missing, not a complete torch zip file;
    ``advice`` is appended to the latter), or None."""
    if '://' in checkpoint:
        return None
    if not osp.isfile(checkpoint):
        return f'checkpoint {checkpoint!r} does not exist'
    if not zipfile.is_zipfile(checkpoint):
        return (f'checkpoint {checkpoint!r} is not a complete checkpoint (truncated by an '
                f'interrupted write, or not a torch zip file){advice}')
    return None


class KeepMetricsHook(Hook):
    """Keeps the test metrics (mmagic's ``MultiTestLoop.run`` does not return them)."""

    def __init__(self):
        self.metrics = None

    def after_test_epoch(self, runner, metrics=None):
        self.metrics = metrics


def run_test(args: argparse.Namespace) -> Optional[dict]:
    """Evaluate ``args.checkpoint`` as ``tools/test.py`` does; write the metrics to
    ``args.out`` when given. Returns the metrics."""
    import mmengine
    if args.out:
        refuse_protected_outputs([args.out], getattr(args, 'force', False))
    problem = checkpoint_problem(args.checkpoint, '; use another of its folder or train again')
    stop_on([problem] if problem else [])
    check_config_path(args.config)
    cfg = merge_args(Config.fromfile(args.config), args)
    # `test_cfg = dict()` is mmengine's default TestLoop: only None (or absent) is missing.
    missing = [f for f in ('test_dataloader', 'test_evaluator', 'test_cfg')
               if cfg.get(f) is None]
    if missing:
        sys.exit(f'error: {args.config} has no {", ".join(missing)}; nothing to test')
    # typos in the parts a test builds: hooks and the test loop (not the training's)
    typos = [p for p in config_problems(cfg)
             if p.startswith(('default_hooks', 'custom_hooks', 'test_cfg'))]
    stop_on(typos + data_problems(cfg, ('test_dataloader', )))

    runner = build_runner(cfg)
    # mmengine loads `load_from` non-strictly: weights that do not fit the model (e.g. an
    # algorithm checkpoint with a plain config) would be evaluated at random init.
    runner.load_checkpoint = functools.partial(runner.load_checkpoint, strict=True)
    keep = KeepMetricsHook()
    runner.register_hook(keep, 'LOWEST')
    try:
        with explained_build_errors():
            runner.test()
    except RuntimeError as error:
        if isinstance(error, UnsafeCheckpointError) or 'state_dict' not in str(error):
            raise
        sys.exit(f'error: {args.checkpoint} does not fit the model of {args.config}: {error}'
                 '\nTo test the student of a distillation checkpoint with its own config, '
                 'extract it first: python tools/model_converters/extract_student.py IN OUT')
    if args.out and runner.rank == 0:
        mmengine.dump(keep.metrics, args.out, file_format='json', indent=2)
        runner.logger.info(f'metrics written to {args.out}')
    leave_process_group(runner)
    return keep.metrics
