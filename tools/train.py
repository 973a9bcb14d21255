"""Train a model (a distillation algorithm or any OpenMMLab model) from a config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--no-validate]
                                 [--cfg-options KEY=VALUE ...] [--auto-scale-lr]
    bash tools/dist_train.sh CONFIG GPUS [ARGS]      # torch DDP, one process per GPU

Before the runner is built, the config path, the data roots of the train/val/test
dataloaders (a missing one stops with a message that says how to get the data), the idx
files of MNIST-style data sets and the checkpoint ``--resume`` would load are checked; a
misspelt type or argument in the config (hooks, loops and optimizer wrappers included)
stops with the nearest valid names, and so does ``--amp`` without an accelerator; on
machines without an accelerator a distributed launch uses the gloo backend on CPU. A NaN/Inf
loss stops with the iteration, the loss term and the last good checkpoint (docs/errors.md
lists every check). ``MMKD_MAX_ITERS=N`` (``MMKD_MAX_EPOCHS`` for epoch loops) shortens a
run for a smoke test: ``mmkd_ext/apis/caps.py``.
"""
import argparse
import os
from typing import List, Optional

from mmengine.config import DictAction

from mmkd_ext.apis.train import run_train


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, from the latest checkpoint '
        'in the work directory')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed-precision training')
    parser.add_argument(
        '--no-validate', action='store_true', help='do not evaluate during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual batch size / '
        '`auto_scale_lr.base_batch_size` of the config')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs (e.g. '
        'train_cfg.max_iters=100 model.teacher_ckpt=t.pth); a list is key="[a,b]"')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv: Optional[List[str]] = None) -> None:
    run_train(parse_args(argv))


if __name__ == '__main__':
    main()
