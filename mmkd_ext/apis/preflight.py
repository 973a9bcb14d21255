"""Data checks run before the runner is built, so that a missing or misplaced data set stops
with a message that names the path and how to get or make it, instead of a traceback from
inside a dataloader worker.

Every dataloader form the configs use is understood: a dict, a list of dicts (mmagic's
``MultiValLoop`` / ``MultiTestLoop`` over several test sets), and wrapped datasets
(``ConcatDataset.datasets``, ``RepeatDataset.dataset``, ``ClassBalancedDataset.dataset``).
"""
import glob
import math
import os
import os.path as osp
import re
import struct
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from .prepare_data import DIV2K_PREPROCESS, data_hint

__all__ = [
    'DATALOADERS', 'IMAGE_EXTENSIONS', 'dataloaders', 'datasets', 'data_problems',
    'missing_data_roots', 'layout_problems', 'corrupt_data_files', 'idx_file_problem',
    'config_scale'
]

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff')
#: Folder names of LR images made at scale s: LRbicx4, X4_sub, X4, train_lr_sub_x4, ...
_SCALE_FOLDER = re.compile(r'(?:LRbic|.*_)?[xX](\d+)(?:_sub)?')


def dataloaders(cfg, field: str) -> List[dict]:
    """The dataloader configs of ``cfg[field]``: none, one (a dict) or a list of them."""
    loaders = cfg.get(field)
    if isinstance(loaders, dict):
        return [loaders]
    if isinstance(loaders, (list, tuple)):
        return [loader for loader in loaders if isinstance(loader, dict)]
    return []


def datasets(dataset) -> Iterator[dict]:
    """A dataset config and, depth first, the datasets it wraps (``dataset`` of Repeat /
    ClassBalanced, ``datasets`` of Concat)."""
    if not isinstance(dataset, dict):
        return
    yield dataset
    inner = dataset.get('datasets') or []
    for wrapped in [dataset.get('dataset'), *(inner if isinstance(inner, (list, tuple)) else [])]:
        yield from datasets(wrapped)


def _field_datasets(cfg, fields: Sequence[str]) -> Iterator[Tuple[str, dict]]:
    for field in fields:
        for loader in dataloaders(cfg, field):
            for dataset in datasets(loader.get('dataset')):
                yield field, dataset


def _local_root(dataset: dict) -> Optional[str]:
    root = dataset.get('data_root')
    if isinstance(root, str) and root and '://' not in root and not dataset.get('download'):
        return root
    return None


def _is_image_pairs(dataset: dict) -> bool:
    return str(dataset.get('type', '')).endswith('BasicImageDataset')


def _prefix_folders(dataset: dict) -> Dict[str, str]:
    """``{key: folder}`` of a folder-of-images dataset such as mmagic's
    ``BasicImageDataset`` (``data_root`` joined with each ``data_prefix``)."""
    if not _is_image_pairs(dataset):
        return {}
    prefix = dataset.get('data_prefix') or {}
    prefix = prefix if isinstance(prefix, dict) else {'img': prefix}
    root = dataset.get('data_root') or ''
    return {key: osp.join(root, sub) for key, sub in prefix.items() if isinstance(sub, str)}


def _images(folder: str) -> List[str]:
    return sorted(f for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXTENSIONS))


def _has_images(folder: str) -> bool:
    for _, _, files in os.walk(folder):
        if any(f.lower().endswith(IMAGE_EXTENSIONS) for f in files):
            return True
    return False


def _missing_lines(missing: Dict[str, Tuple[List[str], str]]) -> List[str]:
    """``{path: (fields, 'data root' | 'folder')}`` of missing paths -> one line per path;
    how to get the data follows the path when one path needs it, else comes once after the
    paths that share it."""
    by_hint: Dict[str, List[str]] = {}
    for path in missing:
        by_hint.setdefault(data_hint(path), []).append(path)
    lines = []
    for hint, paths in by_hint.items():
        for path in paths:
            fields, what = missing[path]
            line = f'{", ".join(dict.fromkeys(fields))}: {what} {path} not found'
            lines.append(line + (f': {hint}' if len(paths) == 1 else ''))
        if len(paths) > 1:
            lines.append(f'to get {", ".join(paths)}: {hint}')
    return lines


def missing_data_roots(cfg, fields: Sequence[str] = DATALOADERS) -> List[str]:
    """One line per missing data root or data folder (saying how to get the data) and per
    image folder without images; empty when the data is there."""
    missing: Dict[str, Tuple[List[str], str]] = {}
    empty = []
    for field, dataset in _field_datasets(cfg, fields):
        root = _local_root(dataset)
        if root is None:
            continue
        if not osp.isdir(root):
            missing.setdefault(root, ([], 'data root'))[0].append(field)
            continue
        for folder in _prefix_folders(dataset).values():
            if not osp.isdir(folder):
                missing.setdefault(folder, ([], 'folder'))[0].append(field)
            elif not dataset.get('ann_file') and not _has_images(folder):
                empty.append(f'{field}: {folder} holds no image files '
                             f'({", ".join(IMAGE_EXTENSIONS)}); {data_hint(folder)}')
    return _missing_lines(missing) + list(dict.fromkeys(empty))


def config_scale(cfg, dataset: dict) -> Optional[int]:
    """The SR scale a dataset is read at: its pipeline's ``SetValues(scale=...)``, else the
    model's ``upscale_factor`` (the student's in a distiller), else None."""
    for step in dataset.get('pipeline') or []:
        if isinstance(step, dict) and str(step.get('type', '')).endswith('SetValues'):
            scale = (step.get('dictionary') or {}).get('scale')
            if isinstance(scale, int):
                return scale
    return _model_scale(cfg.get('model'))


def _model_scale(node) -> Optional[int]:
    if isinstance(node, dict):
        if isinstance(node.get('upscale_factor'), int):
            return node['upscale_factor']
        for key in sorted(node, key=lambda k: k != 'student'):
            scale = _model_scale(node[key])
            if scale is not None:
                return scale
    elif isinstance(node, (list, tuple)):
        for item in node:
            scale = _model_scale(item)
            if scale is not None:
                return scale
    return None


def _annotation_problem(field: str, dataset: dict) -> Optional[str]:
    """The config's ``ann_file`` (meta-info file) missing from an existing data root."""
    ann_file, root = dataset.get('ann_file'), _local_root(dataset)
    if not isinstance(ann_file, str) or not ann_file or root is None or not osp.isdir(root):
        return None
    path = ann_file if osp.isabs(ann_file) else osp.join(root, ann_file)
    if osp.isfile(path):
        return None
    how = data_hint(root)
    if 'DIV2K' in osp.normpath(root).split(os.sep):
        how = ("mmagic's tools/dataset_converters/div2k/preprocess_div2k_dataset.py writes it "
               f'when it cuts the sub-images (in an mmagic checkout: `{DIV2K_PREPROCESS}`)')
    elif _is_image_pairs(dataset):
        gt = _prefix_folders(dataset).get('gt', root)
        how = (f'write one line per image of {gt}: its file name, a space and its shape, '
               f'e.g. `0001_s001.png (480,480,3)`; or {how}')
    return (f'{field}: {root} has no {ann_file}, the meta-info (annotation) file that the '
            f'config\'s ann_file names ({path}): {how}')


def _first_pair(dataset: dict, folders: Dict[str, str]) -> Optional[Tuple[str, str]]:
    """The paths of one LR/GT pair as mmagic's ``BasicImageDataset`` would read them."""
    if dataset.get('ann_file'):
        root = dataset.get('data_root') or ''
        ann = dataset['ann_file'] if osp.isabs(dataset['ann_file']) else osp.join(
            root, dataset['ann_file'])
        with open(ann) as f:
            names = [line.split(' ')[0].strip() for line in f if line.strip()][:1]
    else:
        names = _images(folders['img'])[:1]
    if not names:
        return None
    stem, ext = osp.splitext(names[0])
    tmpl = dataset.get('filename_tmpl') or {}
    lr, gt = (osp.join(folders[k], tmpl.get(k, '{}').format(stem) + ext) for k in ('img', 'gt'))
    return lr, gt


def _scale_problems(cfg, field: str, dataset: dict) -> List[str]:
    """An LR folder made for another scale than the config's, by its name or by the sizes
    of one LR/GT pair."""
    folders = _prefix_folders(dataset)
    if not {'img', 'gt'} <= set(folders) or not all(osp.isdir(f) for f in folders.values()):
        return []
    scale = config_scale(cfg, dataset)
    named = _SCALE_FOLDER.fullmatch(osp.basename(osp.normpath(folders['img'])))
    if scale is not None and named and int(named.group(1)) != scale:
        return [f'{field}: the LR folder {folders["img"]} holds x{named.group(1)} images but '
                f'the config is x{scale}: point data_prefix.img at the x{scale} folder '
                f'(LRbicx{scale}, X{scale}_sub, ...), or use the x{named.group(1)} config']
    scale = scale or (int(named.group(1)) if named else None)
    pair = _first_pair(dataset, folders) if scale else None
    if pair is None:
        return []
    for path in pair:
        if not osp.isfile(path):
            return [f'{field}: {path} not found (the LR/GT pair of {osp.basename(pair[0])}): '
                    f'{folders["img"]} and {folders["gt"]} must hold the same file names']
    from PIL import Image
    try:
        (lr_w, lr_h), (gt_w, gt_h) = (Image.open(path).size for path in pair)
    except OSError as error:
        return [f'{field}: cannot read {error.filename or pair}: {error}']
    if (gt_w, gt_h) != (lr_w * scale, lr_h * scale):
        return [f'{field}: {pair[0]} is {lr_w}x{lr_h} and {pair[1]} is {gt_w}x{gt_h}, not x'
                f'{scale} (the config\'s scale): the LR folder {folders["img"]} must hold the '
                f'GT images downscaled by {scale} (bicubic, e.g. LRbicx{scale}); '
                f'{data_hint(folders["img"])}']
    return []


def layout_problems(cfg, fields: Sequence[str] = DATALOADERS) -> List[str]:
    """Meta-info files and LR scales of data that is there (see :func:`data_problems`)."""
    problems = []
    for field, dataset in _field_datasets(cfg, fields):
        problem = _annotation_problem(field, dataset)
        problems += [problem] if problem else _scale_problems(cfg, field, dataset)
    return list(dict.fromkeys(problems))


def _idx_folders(dataset: dict) -> Iterator[str]:
    """The folder of an MNIST-style data set (``mmpretrain.FashionMNIST`` ...)."""
    if str(dataset.get('type', '')).endswith('MNIST'):
        prefix = dataset.get('data_prefix') or ''
        yield osp.join(dataset.get('data_root') or '', prefix if isinstance(prefix, str) else '')


def idx_file_problem(path: str) -> Optional[str]:
    """Why the idx file ``path`` (MNIST format) cannot be read, or None."""
    with open(path, 'rb') as f:
        head = f.read(16)
    if len(head) < 8 or head[0:2] != b'\x00\x00' or head[2] != 8 or not 1 <= head[3] <= 3:
        return f'{path} is not an unsigned-byte idx file (bad header {head[:4].hex()})'
    dims = struct.unpack(f'>{head[3]}I', head[4:4 + 4 * head[3]])
    expected, size = 4 + 4 * len(dims) + math.prod(dims), osp.getsize(path)
    if size != expected:
        shape = ' x '.join(map(str, dims))
        return (f'{path} is truncated or corrupt: its header says {shape} bytes of data '
                f'({expected} bytes in all), the file has {size}; rebuild it with '
                '`python tools/prepare_data.py cls`')
    return None


def corrupt_data_files(cfg, fields: Sequence[str] = DATALOADERS) -> List[str]:
    """One line per unreadable idx file in the folders of the dataloaders' MNIST-style
    data sets."""
    paths = []
    for _, dataset in _field_datasets(cfg, fields):
        for folder in _idx_folders(dataset):
            paths += sorted(glob.glob(osp.join(glob.escape(folder), '*-idx?-ubyte')))
    problems = [idx_file_problem(path) for path in dict.fromkeys(paths)]
    return [problem for problem in problems if problem]


def data_problems(cfg, fields: Sequence[str] = DATALOADERS) -> List[str]:
    """Everything that would stop the dataloaders of ``fields``, one line each: missing
    data roots and folders, image folders without images; when the data is there, missing
    meta-info files, LR folders of another scale, truncated idx files. Empty when none."""
    return missing_data_roots(cfg, fields) or (layout_problems(cfg, fields) +
                                               corrupt_data_files(cfg, fields))
