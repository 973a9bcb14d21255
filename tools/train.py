"""Train a model (a distillation algorithm or any OpenMMLab model) from a config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--no-validate]
                                 [--cfg-options KEY=VALUE ...] [--auto-scale-lr]
    bash tools/dist_train.sh CONFIG GPUS [ARGS]      # torch DDP, one process per GPU

Before the runner is built, the config path, the data roots of the train/val/test
dataloaders (a missing one stops with a message that says how to get the data), the idx
files of MNIST-style data sets and the checkpoint ``--resume`` would load are checked; a
misspelt type or argument in the config stops with the nearest valid names; on machines
without an accelerator a distributed launch uses the gloo backend on CPU. A NaN/Inf loss
stops with the iteration, the loss term and the last good checkpoint (docs/errors.md lists
every check).
"""
import argparse
import contextlib
import glob
import math
import os
import os.path as osp
import struct
import sys
from typing import Dict, Iterator, List, Optional, Tuple

import mmkd_ext  # noqa: F401  (compat shims first: numpy aliases, checkpoint allow-list)
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.device import get_device
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmkd_ext.engine.diagnostics import explain_build_error, nearest, resume_problem
from mmkd_ext.engine.hooks import NonFiniteLossError

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, from the latest checkpoint '
        'in the work directory')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed-precision training')
    parser.add_argument(
        '--no-validate', action='store_true', help='do not evaluate during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual batch size / '
        '`auto_scale_lr.base_batch_size` of the config')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs (e.g. '
        'train_cfg.max_iters=100 model.teacher_ckpt=t.pth); a list is key="[a,b]"')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge the command-line arguments into the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    cfg.launcher = args.launcher

    # work_dir: command line > config > ./work_dirs/<config name>
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        wrappers = [cfg.optim_wrapper] if 'type' in cfg.optim_wrapper else [
            w for w in cfg.optim_wrapper.values() if isinstance(w, dict) and 'type' in w
        ]
        for wrapper in wrappers:  # one wrapper, or one per sub-module (GAN-like configs)
            if wrapper.type not in ('OptimWrapper', 'AmpOptimWrapper'):
                sys.exit(f'error: --amp needs OptimWrapper optim wrappers, got {wrapper.type}')
            wrapper.type = 'AmpOptimWrapper'
            wrapper.setdefault('loss_scale', 'dynamic')

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    if args.auto_scale_lr:
        if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
            sys.exit('error: --auto-scale-lr needs `auto_scale_lr = dict(base_batch_size=N)` '
                     'in the config (N: the total batch size the learning rate was tuned for)')
        cfg.auto_scale_lr.enable = True

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return add_runtime_guards(cfg)


#: The default hooks mmengine's Runner knows by name (a None there removes the hook).
MMENGINE_DEFAULT_HOOKS = ('runtime_info', 'timer', 'sampler_seed', 'logger', 'param_scheduler',
                          'checkpoint')


def add_runtime_guards(cfg: Config) -> Config:
    """Atomic checkpoints, the NaN/Inf guard and the random-state hook for every config.

    Configs on ``configs/_base_/default_runtime.py`` have them already; configs that inherit
    another package's runtime (MMRazor's pruning and QAT recipes) get mmengine's
    ``CheckpointHook`` through that package's scope and no guard. Here an unscoped
    ``CheckpointHook`` becomes ``mmkd_ext.AtomicCheckpointHook`` (same arguments; an explicit
    ``mmengine.CheckpointHook`` is kept), and ``non_finite`` / ``random_state`` are added
    when absent. ``default_hooks.non_finite=None`` (or ``random_state=None``) removes one.
    """
    hooks = cfg.get('default_hooks') or ConfigDict()
    checkpoint = hooks.get('checkpoint', ConfigDict(type='CheckpointHook', interval=1))
    if isinstance(checkpoint, dict) and checkpoint.get('type') == 'CheckpointHook':
        checkpoint.pop('_scope_', None)
        checkpoint.type = 'mmkd_ext.AtomicCheckpointHook'
    if checkpoint is not None:
        hooks.checkpoint = checkpoint
    hooks.setdefault('non_finite', ConfigDict(type='mmkd_ext.NonFiniteLossHook'))
    hooks.setdefault('random_state', ConfigDict(type='mmkd_ext.RandomStateHook'))
    for name in [n for n, h in hooks.items() if h is None and n not in MMENGINE_DEFAULT_HOOKS]:
        hooks.pop(name)
    cfg.default_hooks = hooks
    return cfg


def _data_roots(dataset: Optional[dict]) -> Iterator[str]:
    """Local data roots of a dataset config, wrappers (Concat/Repeat...) included."""
    if not isinstance(dataset, dict):
        return
    root = dataset.get('data_root')
    if isinstance(root, str) and root and '://' not in root and not dataset.get('download'):
        yield root
    for inner in [dataset.get('dataset'), *(dataset.get('datasets') or [])]:
        yield from _data_roots(inner)


IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff')


def _image_folders(dataset: Optional[dict]) -> Iterator[str]:
    """The image folders (``data_root`` + each ``data_prefix``) of folder-of-images
    datasets such as mmagic's ``BasicImageDataset``, wrappers included."""
    if not isinstance(dataset, dict):
        return
    if str(dataset.get('type', '')).endswith('BasicImageDataset') and not dataset.get(
            'ann_file'):
        prefix = dataset.get('data_prefix') or {}
        for sub in (prefix.values() if isinstance(prefix, dict) else [prefix]):
            yield osp.join(dataset.get('data_root') or '', sub)
    for inner in [dataset.get('dataset'), *(dataset.get('datasets') or [])]:
        yield from _image_folders(inner)


def _has_images(folder: str) -> bool:
    for _, _, files in os.walk(folder):
        if any(f.lower().endswith(IMAGE_EXTENSIONS) for f in files):
            return True
    return False


def missing_data_roots(cfg: Config, fields: Tuple[str, ...] = DATALOADERS) -> List[str]:
    """One line per missing data root (saying how to get the data) and per image folder
    without images; empty when the data is there."""
    try:  # tools/prepare_data.py knows the demo and the standard data sets
        from prepare_data import missing_data_message
    except Exception:  # noqa: BLE001  (whatever fails there, fall back to the generic hint)
        missing_data_message = None
    users: Dict[str, List[str]] = {}
    problems = []
    for field in fields:
        for root in _data_roots((cfg.get(field) or {}).get('dataset')):
            if not osp.isdir(root):
                users.setdefault(root, []).append(field)
        problems += [f'{field}: {folder} holds no image files ({", ".join(IMAGE_EXTENSIONS)})'
                     for folder in _image_folders((cfg.get(field) or {}).get('dataset'))
                     if osp.isdir(folder) and not _has_images(folder)]
    for root, fields_of_root in users.items():
        message = f'{root} not found: run `python tools/prepare_data.py sr|cls`, or see ' \
                  'configs/<method>/README.md for the standard datasets'
        if missing_data_message is not None:
            try:
                message = missing_data_message(root)
            except Exception:  # noqa: BLE001
                pass
        if root not in message:
            message = f'{root} not found: {message}'
        problems.append(f'{", ".join(fields_of_root)}: data root {message}')
    return problems


def _idx_folders(dataset: Optional[dict]) -> Iterator[str]:
    """The folders of MNIST-style data sets (``mmpretrain.FashionMNIST`` ...), wrappers
    included."""
    if not isinstance(dataset, dict):
        return
    if str(dataset.get('type', '')).endswith('MNIST'):
        prefix = dataset.get('data_prefix') or ''
        yield osp.join(dataset.get('data_root') or '', prefix if isinstance(prefix, str) else '')
    for inner in [dataset.get('dataset'), *(dataset.get('datasets') or [])]:
        yield from _idx_folders(inner)


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


def corrupt_data_files(cfg: Config, fields: Tuple[str, ...] = DATALOADERS) -> List[str]:
    """One line per unreadable idx file in the folders of the dataloaders' MNIST-style
    data sets."""
    paths = []
    for field in fields:
        for folder in _idx_folders((cfg.get(field) or {}).get('dataset')):
            paths += sorted(glob.glob(osp.join(glob.escape(folder), '*-idx?-ubyte')))
    problems = [idx_file_problem(path) for path in dict.fromkeys(paths)]
    return [problem for problem in problems if problem]


def setup_cpu_distributed(cfg: Config) -> Optional[str]:
    """Use the gloo backend for a distributed launch on a machine without an accelerator.

    OpenMMLab runtime configs say ``dist_cfg=dict(backend='nccl')``, which needs GPUs. The
    rest of DDP on CPU (no ``torch.cuda.set_device``, no DDP ``device_ids``) is handled by
    ``mmkd_ext.compat``. Returns a note for the log, or None when nothing was changed.
    """
    if cfg.launcher == 'none' or get_device() != 'cpu':
        return None
    if cfg.launcher != 'pytorch':
        sys.exit(f'error: --launcher {cfg.launcher} needs GPUs (mmengine sets a CUDA '
                 'device per process); on CPU use --launcher pytorch (tools/dist_train.sh)')
    env_cfg = cfg.get('env_cfg') or ConfigDict()
    dist_cfg = env_cfg.get('dist_cfg') or ConfigDict()
    requested = dist_cfg.get('backend', 'nccl')
    if requested == 'gloo':
        return None
    dist_cfg.backend = 'gloo'
    env_cfg.dist_cfg = dist_cfg
    cfg.env_cfg = env_cfg
    return f'no GPU found: distributed backend {requested!r} replaced by gloo (DDP on CPU)'


def check_config_path(path: str) -> None:
    """Exit naming the nearest shipped configs when ``path`` is not a file."""
    if osp.isfile(path):
        return
    shipped = [osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                                       recursive=True)]
    by_name = {osp.basename(p): p for p in shipped}
    close = [by_name[n] for n in nearest(osp.basename(path), by_name)]
    sys.exit(f'error: config {path!r} does not exist; nearest shipped configs: '
             f'{close or "none"} (all under configs/, see configs/README.md)')


@contextlib.contextmanager
def explained_build_errors() -> Iterator[None]:
    """Exit with the valid names when a config names an unknown type or argument (the
    model is built with the runner; dataloaders, hooks and loops when training starts)."""
    try:
        yield
    except (KeyError, TypeError) as error:
        message = explain_build_error(error)
        if message is None:
            raise
        sys.exit(f'error: {message}')


def main():
    args = parse_args()
    check_config_path(args.config)
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)

    problems = missing_data_roots(cfg) or corrupt_data_files(cfg)
    if cfg.get('resume'):
        problems += [p for p in [resume_problem(cfg.get('load_from'), cfg.work_dir)] if p]
    if problems:
        sys.exit('error: ' + '\nerror: '.join(problems))
    note = setup_cpu_distributed(cfg)

    with explained_build_errors():
        # a config may name its own runner class with `runner_type`
        runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    if note:
        runner.logger.warning(note)
    try:
        with explained_build_errors():
            runner.train()
    except NonFiniteLossError as error:
        runner.logger.error(str(error))
        sys.exit(f'error: {error}')


if __name__ == '__main__':
    main()
