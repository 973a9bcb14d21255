"""Prepare the demo datasets of mmkd_ext under ``data/``.

``sr`` builds ``data/sr_demo/`` (training sub-images and the 14-image benchmark, LR at x2,
x3 and x4), ``cls`` the Fashion-MNIST idx files in ``data/fashion_mnist/raw/``,
``translation`` ``data/translation/`` for SGN's CPU-scale configs, ``all`` sr and cls. The
layouts, and the packages the images come from: ``mmkd_ext/apis/prepare_data``. Re-running
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
