"""Step time of SR feature distillation, measured side by side in one process.

The variants (MMRazor FitNet, ours, LSFD with fast teachers, the floor) and what
is measured: ``mmkd_ext/benchmarks/distill_step.py``.

    python tools/benchmarks/distill_step.py [--teacher 256 32] [--student 64 16]
        [--scale 4] [--batch 4] [--lr-size 48] [--steps 20] [--warmup 2]
        [--loss-sizes 24 48 96 192] [--loss-only] [--formats] [--skip lsfd-fast]
"""
import argparse

from mmkd_ext.benchmarks.distill_step import run_distill_step


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--teacher', type=int, nargs=2, default=[256, 32],
                        metavar=('CHANNELS', 'BLOCKS'))
    parser.add_argument('--student', type=int, nargs=2, default=[64, 16],
                        metavar=('CHANNELS', 'BLOCKS'))
    parser.add_argument('--scale', type=int, default=4)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--lr-size', type=int, default=48)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--loss-sizes', type=int, nargs='+', default=[24, 48, 96, 192],
                        help='feature sizes for the LSFD loss cost (linear in H*W)')
    parser.add_argument('--loss-only', action='store_true',
                        help='measure only the LSFD loss cost at --loss-sizes')
    parser.add_argument('--skip', nargs='+', default=[], choices=['lsfd-auto', 'lsfd-fast'],
                        help='variants not to time (lsfd-fast: bf16 autocast, slow where the '
                        'CPU has no bf16 hardware)')
    parser.add_argument('--formats', action='store_true',
                        help='measure only contiguous vs channels-last (teacher forward, '
                        'student step)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    run_distill_step(parse_args(argv))


if __name__ == '__main__':
    main()
