"""FEED's step time with K = 1..4 teachers against the work it cannot avoid, side by side.

The variants (floor, FEED, fast-teacher FEED, translators alone) and the ratios:
``mmkd_ext/benchmarks/feed_step.py``.

    python tools/benchmarks/feed_step.py [--depth 20] [--width 16] [--teachers 1 2 3 4]
        [--batch 64] [--size 32] [--channels 3] [--classes 100] [--steps 20] [--warmup 2]
        [--no-fast]
"""
import argparse

from mmkd_ext.benchmark import add_cls_arguments
from mmkd_ext.benchmarks.feed_step import run_feed_step


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--depth', type=int, default=20)
    parser.add_argument('--width', type=int, default=16)
    parser.add_argument('--teachers', type=int, nargs='+', default=[1, 2, 3, 4])
    add_cls_arguments(parser, batch=64, steps=20)
    parser.add_argument('--no-fast', action='store_true',
                        help='leave out feed-fast (slow where bf16 is emulated)')
    args = parser.parse_args(argv)
    if min(args.teachers) < 1:
        parser.error(f'--teachers: each K must be >= 1, got {args.teachers}')
    return args


def main(argv=None) -> None:
    run_feed_step(parse_args(argv))


if __name__ == '__main__':
    main()
