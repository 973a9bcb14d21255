"""Tiny stand-ins of the standard dataset layouts the shipped full-scale configs read.

``build_standin(root)`` writes, under ``root`` (a user's working directory), a few generated
images or samples per data set in the exact folders, file names and annotation files that
the configs (``configs/_base_/datasets/``) and the host datasets expect:

- ``data/DIV2K``: the output of mmagic's
  ``tools/dataset_converters/div2k/preprocess_div2k_dataset.py``: ``DIV2K_train_HR_sub`` and
  ``DIV2K_train_LR_bicubic/X{2,3,4}_sub`` sub-images named ``{image}_s{index:03d}.png``, and
  the meta-info files ``meta_info_DIV2K800sub_GT.txt`` (images 0001-0800) and
  ``meta_info_DIV2K100sub_GT.txt`` (0801-0900, read by mmagic's own EDSR test configs),
  one ``NAME (H, W, 3)`` line per sub-image;
- ``data/{Set5,Set14,B100,Urban100}``: ``GTmod12`` (sides divisible by 12) and
  ``LRbicx{2,3,4}``, the same file names in each folder;
- ``data/cifar100/cifar-100-python``: ``train``, ``test`` and ``meta`` pickles in the
  format of the Python release (latin-1 keys, ``data`` as N x 3072 uint8 rows, CHW order,
  ``fine_labels`` / ``coarse_labels``, ``fine_label_names`` / ``coarse_label_names``);
- ``data/cyclegan/{vangogh2photo,ukiyoe2photo,monet2photo}/{trainA,trainB,testA,testB}``
  (CycleGAN's release layout) and the style image ``data/cyclegan/style.jpg``;
- ``checkpoints/vgg16_torchvision.pth``: randomly initialised torchvision VGG16 ``features``
  weights up to relu4_3 (what the SGN style term loads);
- ``data/fashion_mnist/raw``: the four extracted idx files of Fashion-MNIST.

Note:
    mmpretrain's ``CIFAR100`` checks the md5 of ``train`` and ``test`` against the real
    release, which no stand-in can match. ``standin_site(root)`` writes a
    ``sitecustomize.py`` that, in processes with that folder on ``PYTHONPATH``, replaces
    those md5s (and the meta file's) with the stand-in's own once ``mmpretrain.datasets.cifar``
    is imported: the integrity check still runs, on the stand-in's files. Nothing else of
    the host packages is changed.

No ImageNet: no shipped config reads it (``tests/tools/test_full_scale_configs.py`` fails
when one does and the stand-in lacks its root).
"""
import hashlib
import os
import os.path as osp
import pickle
from typing import Dict, Iterable, Optional, Sequence

import cv2
import numpy as np

from tests.tools._tiny_cls import write_idx

#: Scales of the DIV2K LR sub-images and the benchmark LR folders.
SR_SCALES = (2, 3, 4)
#: The four test sets of the SR configs, with some of each set's real image names.
SR_BENCHMARKS = {
    'Set5': ('baby', 'bird', 'butterfly'),
    'Set14': ('baboon', 'barbara', 'bridge'),
    'B100': ('3096', '8023', '12084'),
    'Urban100': ('img_001', 'img_002', 'img_003'),
}
#: CycleGAN's sets the configs name, and its four sub-folders.
CYCLEGAN_SETS = ('vangogh2photo', 'ukiyoe2photo', 'monet2photo')
CYCLEGAN_SPLITS = ('trainA', 'trainB', 'testA', 'testB')
CIFAR100_COARSE = (
    'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables',
    'household_electrical_devices', 'household_furniture', 'insects', 'large_carnivores',
    'large_man-made_outdoor_things', 'large_natural_outdoor_scenes',
    'large_omnivores_and_herbivores', 'medium_mammals', 'non-insect_invertebrates', 'people',
    'reptiles', 'small_mammals', 'trees', 'vehicles_1', 'vehicles_2')
#: Every layout ``build_standin`` knows, in its order.
LAYOUTS = ('div2k', 'sr_benchmarks', 'cifar100', 'cyclegan', 'vgg16', 'fashion_mnist')


def _smooth_rgb(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """An (H, W, 3) uint8 image: bicubic-upsampled 6 x 6 noise (structure at every scale
    the SR models see, unlike white noise)."""
    coarse = rng.integers(0, 256, (6, 6, 3), dtype=np.uint8)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)


def _write_image(path: str, rgb: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, np.ascontiguousarray(rgb[..., ::-1])):
        raise OSError(f'cannot write {path}')


def _write_sr_pair(hr_path: str, lr_paths: Dict[int, str], rgb: np.ndarray) -> None:
    """HR image and its bicubic x``scale`` downscales (sides must divide by each scale)."""
    _write_image(hr_path, rgb)
    height, width = rgb.shape[:2]
    for scale, path in lr_paths.items():
        if height % scale or width % scale:
            raise ValueError(f'{height} x {width} does not divide by {scale}')
        _write_image(path, cv2.resize(rgb, (width // scale, height // scale),
                                    interpolation=cv2.INTER_CUBIC))


def make_div2k(root: str, sub_size: int = 192, num_train: int = 2, num_valid: int = 1,
               subs_per_image: int = 2, seed: int = 0) -> str:
    """``root/data/DIV2K`` as preprocess_div2k_dataset.py leaves it (sub-images of
    ``sub_size``, 192 by default: the x4 configs' 192-pixel HR crop fits unshrunk).
    Returns the DIV2K folder."""
    if sub_size % 12:
        raise ValueError(f'sub_size must divide by 2, 3 and 4 (a multiple of 12), got {sub_size}')
    rng = np.random.default_rng(seed)
    div2k = osp.join(root, 'data', 'DIV2K')
    images = [f'{i:04d}' for i in range(1, num_train + 1)]
    images += [f'{i:04d}' for i in range(801, 801 + num_valid)]
    names = [f'{image}_s{k:03d}.png' for image in images for k in range(1, subs_per_image + 1)]
    for name in names:
        _write_sr_pair(
            osp.join(div2k, 'DIV2K_train_HR_sub', name),
            {s: osp.join(div2k, 'DIV2K_train_LR_bicubic', f'X{s}_sub', name) for s in SR_SCALES},
            _smooth_rgb(rng, sub_size, sub_size))
    # generate_anno_file of preprocess_div2k_dataset.py: names < '0801' train, others test
    for meta, keep in (('meta_info_DIV2K800sub_GT.txt', lambda n: n[:4] < '0801'),
                       ('meta_info_DIV2K100sub_GT.txt', lambda n: n[:4] >= '0801')):
        with open(osp.join(div2k, meta), 'w') as f:
            f.writelines(f'{n} ({sub_size}, {sub_size}, 3)\n' for n in sorted(names) if keep(n))
    return div2k


def make_sr_benchmarks(root: str, size: int = 48, num_images: int = 2,
                       sets: Iterable[str] = tuple(SR_BENCHMARKS), seed: int = 1) -> str:
    """``root/data/<set>/GTmod12`` + ``LRbicx{2,3,4}`` for Set5, Set14, B100, Urban100
    (``size`` x ``size`` GT, a multiple of 12; the last image is not square). Returns
    ``root/data``."""
    if size % 12:
        raise ValueError(f'size must be a multiple of 12 (GTmod12), got {size}')
    rng = np.random.default_rng(seed)
    data = osp.join(root, 'data')
    for name in sets:
        for k, image in enumerate(SR_BENCHMARKS[name][:num_images]):
            width = size + 12 * (k == num_images - 1)
            _write_sr_pair(
                osp.join(data, name, 'GTmod12', f'{image}.png'),
                {s: osp.join(data, name, f'LRbicx{s}', f'{image}.png') for s in SR_SCALES},
                _smooth_rgb(rng, size, width))
    return data


def _cifar_entry(rng: np.random.Generator, num: int, split: str) -> dict:
    fine = rng.integers(0, 100, num)
    return {
        'filenames': [f'standin_{split}_{i}.png' for i in range(num)],
        'batch_label': f'{split}ing batch 1 of 1',
        'fine_labels': [int(x) for x in fine],
        'coarse_labels': [int(x) // 5 for x in fine],
        'data': rng.integers(0, 256, (num, 3 * 32 * 32), dtype=np.uint8),
    }


def _md5(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


def make_cifar100(root: str, num_train: int = 8, num_test: int = 4, seed: int = 2) -> str:
    """``root/data/cifar100/cifar-100-python/{train,test,meta}`` (the Python release's
    pickles, protocol 2). Returns the ``cifar-100-python`` folder."""
    from mmpretrain.datasets.categories import CIFAR100_CATEGORIES
    rng = np.random.default_rng(seed)
    folder = osp.join(root, 'data', 'cifar100', 'cifar-100-python')
    os.makedirs(folder, exist_ok=True)
    entries = {
        'train': _cifar_entry(rng, num_train, 'train'),
        'test': _cifar_entry(rng, num_test, 'test'),
        'meta': {'fine_label_names': list(CIFAR100_CATEGORIES),
                 'coarse_label_names': list(CIFAR100_COARSE)},
    }
    for name, entry in entries.items():
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(entry, f, protocol=2)
    return folder


def cifar100_md5s(root: str) -> Dict[str, str]:
    """md5 of each file of the CIFAR-100 stand-in under ``root``."""
    folder = osp.join(root, 'data', 'cifar100', 'cifar-100-python')
    return {name: _md5(osp.join(folder, name)) for name in ('train', 'test', 'meta')}


def make_cyclegan(root: str, size: int = 48, num_images: int = 2, seed: int = 3) -> str:
    """``root/data/cyclegan/<set>/{trainA,trainB,testA,testB}/*.jpg`` for the three sets
    and the style image ``root/data/cyclegan/style.jpg``. Returns the cyclegan folder."""
    rng = np.random.default_rng(seed)
    cyclegan = osp.join(root, 'data', 'cyclegan')
    for name in CYCLEGAN_SETS:
        for split in CYCLEGAN_SPLITS:
            for k in range(num_images):
                # photos carry dates, paintings numbers, as in the release
                stem = f'2014-08-0{k + 1} 17:41:55' if split.endswith('B') else f'{k + 1:05d}'
                _write_image(osp.join(cyclegan, name, split, f'{stem}.jpg'),
                           _smooth_rgb(rng, size, size + 8 * k))
    _write_image(osp.join(cyclegan, 'style.jpg'), _smooth_rgb(rng, size, size))
    return cyclegan


def make_vgg16(root: str, seed: int = 4) -> str:
    """``root/checkpoints/vgg16_torchvision.pth``: a torchvision VGG16 state_dict's
    ``features.*`` entries up to relu4_3 (index 22), randomly initialised as torchvision
    does. Returns its path."""
    import torch
    from torchvision.models.vgg import cfgs, make_layers
    torch.manual_seed(seed)
    features = make_layers(cfgs['D'])[:23]
    path = osp.join(root, 'checkpoints', 'vgg16_torchvision.pth')
    os.makedirs(osp.dirname(path), exist_ok=True)
    torch.save({f'features.{k}': v for k, v in features.state_dict().items()}, path)
    return path


def make_fashion_mnist(root: str, num_train: int = 8, num_test: int = 4, seed: int = 5) -> str:
    """``root/data/fashion_mnist/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (the
    extracted files mmpretrain's ``FashionMNIST`` reads). Returns ``data/fashion_mnist``."""
    rng = np.random.default_rng(seed)
    folder = osp.join(root, 'data', 'fashion_mnist')
    raw = osp.join(folder, 'raw')
    os.makedirs(raw, exist_ok=True)
    for prefix, num in (('train', num_train), ('t10k', num_test)):
        write_idx(osp.join(raw, f'{prefix}-images-idx3-ubyte'),
                  rng.integers(0, 256, (num, 28, 28)))
        write_idx(osp.join(raw, f'{prefix}-labels-idx1-ubyte'), rng.integers(0, 10, (num, )))
    return folder


_SITECUSTOMIZE = '''\
"""Stand-in data sets (tests/_standin_data.py): mmpretrain's CIFAR100 checks the stand-in's
md5s instead of the real release's. Only active with this folder on PYTHONPATH."""
import importlib.abc
import sys

MD5 = {md5!r}
TARGET = 'mmpretrain.datasets.cifar'


def _patch(module):
    cls = module.CIFAR100
    cls.train_list = [[name, MD5[name]] for name, _ in cls.train_list]
    cls.test_list = [[name, MD5[name]] for name, _ in cls.test_list]
    cls.meta = dict(cls.meta, md5=MD5[cls.meta['filename']])


class _StandinFinder(importlib.abc.MetaPathFinder):

    def find_spec(self, name, path=None, target=None):
        if name != TARGET:
            return None
        for finder in sys.meta_path:
            spec = None if finder is self else getattr(finder, 'find_spec', None) and \\
                finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


sys.meta_path.insert(0, _StandinFinder())
'''


def standin_site(root: str) -> str:
    """Write ``root/_standin_site/sitecustomize.py`` (see the module's Note) for the
    CIFAR-100 stand-in under ``root``; put the returned folder on ``PYTHONPATH``."""
    site = osp.join(root, '_standin_site')
    os.makedirs(site, exist_ok=True)
    with open(osp.join(site, 'sitecustomize.py'), 'w') as f:
        f.write(_SITECUSTOMIZE.format(md5=cifar100_md5s(root)))
    return site


def build_standin(root: str, layouts: Optional[Sequence[str]] = None) -> Dict[str, str]:
    """Build the stand-in ``layouts`` (default: all of ``LAYOUTS``) under ``root``, plus
    ``standin_site`` with CIFAR-100. Returns ``{layout: path}`` (and ``'site'``)."""
    layouts = LAYOUTS if layouts is None else tuple(layouts)
    unknown = sorted(set(layouts) - set(LAYOUTS))
    if unknown:
        raise ValueError(f'unknown layouts {unknown}; choose from {list(LAYOUTS)}')
    builders = dict(div2k=make_div2k, sr_benchmarks=make_sr_benchmarks, cifar100=make_cifar100,
                    cyclegan=make_cyclegan, vgg16=make_vgg16, fashion_mnist=make_fashion_mnist)
    paths = {name: builders[name](root) for name in layouts}
    if 'cifar100' in layouts:
        paths['site'] = standin_site(root)
    return paths
