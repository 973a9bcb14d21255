"""Images/s of the streaming and the in-memory classification data path, side by side, and
the data share of a full training step for each (mmkd_ext.benchmarks.cls_data).

    python tools/benchmarks/cls_data.py [--config CONFIG] [--old-data BASE] [--new-data BASE]
        [--batch 64] [--batches 50] [--steps 40] [--warmup 3] [--rounds 2]
        [--data-root DIR] [--old-workers N] [--new-workers N] [--old-type TYPE]

Defaults: the FEED study's ResNet-8 (w8) at batch 64, configs/_base_/datasets/fashion_mnist.py
(per-sample pipeline, 2 workers) against fashion_mnist_inmem.py (in memory, no workers).
The KD study's 3-channel base is in memory; its streaming twin is the upstream type:
    python tools/benchmarks/cls_data.py --config configs/kd/resnet8_1xb64-1k_fashion-mnist-3c.py \
        --old-data configs/_base_/datasets/fashion_mnist_3c.py --old-type mmpretrain.FashionMNIST \
        --new-data configs/_base_/datasets/fashion_mnist_3c.py
"""
import argparse
from typing import Optional, Sequence

import mmkd_ext  # noqa: F401  (compat first)
from mmkd_ext.benchmarks.cls_data import run_cls_data

DATA = 'configs/_base_/datasets/'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default='configs/feed/resnet8-w8_1xb64-1k_fashion-mnist.py')
    parser.add_argument('--old-data', default=DATA + 'fashion_mnist.py')
    parser.add_argument('--new-data', default=DATA + 'fashion_mnist_inmem.py')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--batches', type=int, default=50)
    parser.add_argument('--steps', type=int, default=40)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--data-root', help="override the data files' data_root")
    parser.add_argument('--old-workers', type=int, help="default: the data file's")
    parser.add_argument('--new-workers', type=int, help="default: the data file's")
    parser.add_argument('--old-type', help="the old path's dataset type (default: the file's)")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    run_cls_data(parse_args(argv))


if __name__ == '__main__':
    main()
