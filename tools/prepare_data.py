#!/usr/bin/env python
"""Prepare the demo datasets of mmkd_ext under ``data/``.

``sr`` builds ``data/sr_demo/``::

    train_hr/            104 photos (lossy WebP, 680x450 to 1920x1080)
    train_hr_sub/        240x240 PNG sub-images of them, ``{name}_s{index:03d}.png``
    train_lr_sub_x{s}/   the same sub-images downscaled by s = 2, 3, 4
    bench14_hr/          14 benchmark PNGs, cropped to a multiple of 12
    bench14_lr_x{s}/     the same images downscaled by s

``cls`` writes the Fashion-MNIST idx files into ``data/fashion_mnist/raw/`` where
``mmpretrain.FashionMNIST(data_root='data/fashion_mnist', data_prefix='raw')`` reads them.

``translation`` builds ``data/translation/`` for SGN's CPU-scale configs::

    photo/        75 photos (the source domain of the translation)
    photo_test/   11 held-out photos (every 8th of the 86, sorted by name)
    vangogh/      9 Van Gogh paintings
    ukiyoe/       9 Hokusai / Hiroshige prints

It is copied from ``shared/datasets/translation`` when that exists, else rebuilt from
``gcompris-qt-data``: the photos are the explore-activity pictures and the photo backgrounds
of the "details" activity, the Van Gogh set its painting backgrounds, and the prints (and one
more Van Gogh) are reassembled from the jigsaw tiles of the "paintings" activity.

The images come from Debian and PyPI packages (``gcompris-qt-data``, ``opencv-doc``,
``scikit-image``, ``scikit-learn``, ``dataset-fashion-mnist``). A checkout next to a
``shared/datasets`` folder copies them from there; elsewhere they are rebuilt from the
packages (``apt-get download``, no root needed). LR images are made with mmagic's
MATLAB-like bicubic, the degradation of the DIV2K/Set5 ``LRbicx{s}`` files. Re-running
skips every file that already exists.

Examples::

    python tools/prepare_data.py all
    python tools/prepare_data.py sr --source packages
"""
import argparse
import os
import os.path as osp
import sys
from typing import Optional, Sequence

from mmkd_ext.apis.prepare_data import MOD, prepare

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_OUT = osp.join(REPO_ROOT, 'data')
DEFAULT_SHARED = osp.join(osp.dirname(REPO_ROOT), 'shared', 'datasets')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Prepare the demo data sets of mmkd_ext (real images from Debian/PyPI '
        'packages) under data/.')
    parser.add_argument('dataset', choices=['sr', 'cls', 'translation', 'all'],
                        help='sr: data/sr_demo; cls: data/fashion_mnist; all: both; '
                        'translation: data/translation')
    parser.add_argument('--out', default=DEFAULT_OUT, help='output root (default: data/ '
                        'of the repository)')
    parser.add_argument('--shared', default=DEFAULT_SHARED,
                        help='folder holding prepared sr/, fashion_mnist/ and translation/ '
                        'to copy from')
    parser.add_argument('--source', choices=['auto', 'shared', 'packages'], default='auto',
                        help='auto: --shared when it exists, else the packages')
    parser.add_argument('--debs', help='folder with downloaded .deb files to use instead of '
                        '`apt-get download`')
    parser.add_argument('--limit', type=int, help='use only the first N training photos '
                        '(for tests)')
    parser.add_argument('--crop-size', type=int, default=240, help='HR sub-image size')
    parser.add_argument('--step', type=int, default=240, help='HR sub-image stride')
    parser.add_argument('--nproc', type=int, default=min(4, os.cpu_count() or 1),
                        help='processes for the LR/sub-image step')
    args = parser.parse_args(argv)
    if args.crop_size % MOD:
        parser.error(f'--crop-size must be a multiple of {MOD} (LR sizes at x2, x3, x4)')
    if args.limit is not None and args.limit < 1:
        parser.error('--limit must be positive')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    return prepare(parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
