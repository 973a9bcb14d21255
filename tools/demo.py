"""The CPU-scale demo: distil an EDSR teacher into a small EDSR student on real photos.

    python tools/demo.py [--work-dir work_dirs/demo] [--iters N] [--train-teacher]
                         [--runs NAME=CONFIG ...] [--skip NAME ...] [--no-shipped]

What it runs and prints: ``mmkd_ext/apis/demo.py``.
"""
import argparse

from mmkd_ext.apis.demo import DEFAULT_ITERS, run_demo


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='mmkd_ext CPU-scale SR distillation demo')
    parser.add_argument('--work-dir', default='work_dirs/demo',
                        help='where the runs go, relative to the project root')
    parser.add_argument('--iters', type=int, default=None,
                        help=f'training iterations per student (default {DEFAULT_ITERS})')
    parser.add_argument('--train-teacher', action='store_true',
                        help='train the teacher here (20k iterations, hours on 2 cores) '
                        'instead of using the shipped checkpoint')
    parser.add_argument('--runs', nargs='*', default=None, metavar='NAME=CONFIG',
                        help='more students to train, e.g. fitnet=configs/fitnet/...py')
    parser.add_argument('--skip', nargs='*', default=None, metavar='NAME',
                        help='students of the default list not to train (alone, output-kd, '
                        'lsfd)')
    parser.add_argument('--no-shipped', action='store_true',
                        help='do not score the students of checkpoints/lsfd/manifest.json')
    return parser.parse_args(argv)


def main(argv=None):
    run_demo(parse_args(argv))


if __name__ == '__main__':
    main()
