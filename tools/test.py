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
import os
from typing import List, Optional

from mmengine.config import DictAction

from mmkd_ext.apis.test import run_test


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the logs')
    parser.add_argument('--out', help='dump the metrics to this json file')
    parser.add_argument('--force', action='store_true',
                        help='write --out even where it is a shipped or git-tracked file')
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
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv: Optional[List[str]] = None) -> None:
    run_test(parse_args(argv))


if __name__ == '__main__':
    main()
