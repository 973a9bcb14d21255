"""Evaluate a checkpoint with the config's ``test_dataloader`` and ``test_evaluator``.

    python tools/test.py CONFIG CHECKPOINT [--out metrics.json] [--work-dir DIR]
                                           [--cfg-options KEY=VALUE ...]
    bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [ARGS]

Works on a distillation checkpoint with its algorithm config (the student is evaluated;
the teacher's weights come from the checkpoint, so ``teacher_ckpt`` is not needed) and on
a plain host checkpoint (e.g. one written by ``tools/model_converters/extract_student.py``)
with a plain mmagic / mmpretrain config. The checkpoint is loaded strictly through
mmengine, hence through mmkd_ext's weights-only allow-list.
"""
import argparse
import functools
import os
import os.path as osp
import sys
import zipfile

import mmkd_ext  # noqa: F401  (compat shims first: numpy aliases, checkpoint allow-list)
import mmengine
from mmengine.config import Config, DictAction
from mmengine.hooks import Hook
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmkd_ext.checkpoint import UnsafeCheckpointError
from train import (check_config_path, corrupt_data_files,  # tools/train.py
                   explained_build_errors, missing_data_roots, setup_cpu_distributed)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the logs')
    parser.add_argument('--out', help='dump the metrics to this json file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs; a list is key="[a,b]"')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge the command-line arguments into the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    cfg.resume = False
    # The checkpoint of a distillation algorithm holds the teacher too.
    if isinstance(cfg.get('model'), dict) and cfg.model.get('teacher_ckpt'):
        cfg.model.teacher_ckpt = None
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


class KeepMetricsHook(Hook):
    """Keeps the test metrics (mmagic's ``MultiTestLoop.run`` does not return them)."""

    def __init__(self):
        self.metrics = None

    def after_test_epoch(self, runner, metrics=None):
        self.metrics = metrics


def main():
    args = parse_args()
    if '://' not in args.checkpoint and not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} does not exist')
    if '://' not in args.checkpoint and not zipfile.is_zipfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} is not a complete checkpoint '
                 '(truncated by an interrupted write, or not a torch zip file); use another '
                 'of its folder or train again')
    check_config_path(args.config)
    cfg = merge_args(Config.fromfile(args.config), args)
    missing = [f for f in ('test_dataloader', 'test_evaluator', 'test_cfg') if not cfg.get(f)]
    if missing:
        sys.exit(f'error: {args.config} has no {", ".join(missing)}; nothing to test')
    problems = missing_data_roots(cfg, ('test_dataloader', )) or corrupt_data_files(
        cfg, ('test_dataloader', ))
    if problems:
        sys.exit('error: ' + '\nerror: '.join(problems))
    note = setup_cpu_distributed(cfg)

    with explained_build_errors():
        runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    if note:
        runner.logger.warning(note)
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


if __name__ == '__main__':
    main()
