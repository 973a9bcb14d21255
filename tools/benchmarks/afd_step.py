"""Step time of AFD and its baselines against the K networks' own train steps, side by side.

The variants (reference, independent, DML, L1, adversarial, fused) and what is
measured: ``mmkd_ext/benchmarks/afd_step.py``.

    python tools/benchmarks/afd_step.py [--depths 20 20] [--widths 16 16] [--batch 128]
        [--size 32] [--channels 3] [--classes 100] [--steps 10] [--warmup 2] [--device cuda]
"""
import argparse

import torch

from mmkd_ext.benchmark import add_cls_arguments
from mmkd_ext.benchmarks.afd_step import run_afd_step


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--depths', type=int, nargs='+', default=[20, 20])
    parser.add_argument('--widths', type=int, nargs='+', default=[16, 16])
    add_cls_arguments(parser, batch=128, steps=10)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args(argv)
    if len(args.depths) != len(args.widths) or len(args.depths) < 2:
        parser.error('--depths and --widths: one value per network, at least two networks')
    return args


def main(argv=None) -> None:
    run_afd_step(parse_args(argv))


if __name__ == '__main__':
    main()
