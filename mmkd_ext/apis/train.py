"""The train entry of ``tools/train.py``: merge the command line into the config, check the
data and the checkpoint to resume, add the runtime guards, build and run the runner.

User errors stop with ``SystemExit('error: ...')`` (what the tools print), naming the value
and what would be valid; docs/errors.md lists every check. The environment variables of
:mod:`mmkd_ext.apis.caps` (``MMKD_MAX_ITERS``, ``MMKD_MAX_EPOCHS``) shorten the run; with
``MMKD_PROGRESS_FILE`` set, the iterations are reported to that file
(:class:`mmkd_ext.apis.progress.ProgressHook`).
"""
import argparse
import contextlib
import glob
import os
import os.path as osp
import sys
from typing import Iterator, List, Optional, Sequence

from mmengine.config import Config, ConfigDict, DictAction

from ..compat import setup_cpu_distributed
from ..engine.diagnostics import (
    amp_problem,
    config_problems,
    explain_build_error,
    nearest,
    resume_problem,
)
from .caps import cap_config
from .paths import project_root
from .preflight import data_problems

__all__ = ['TRAIN_OPTIONS', 'train_args', 'parse_cfg_options', 'merge_args', 'add_runtime_guards',
           'check_config_path', 'explained_build_errors', 'stop_on', 'build_runner',
           'run_train']

#: The options of ``tools/train.py`` with their defaults (``config`` aside).
TRAIN_OPTIONS = dict(work_dir=None, resume=None, amp=False, no_validate=False,
                     auto_scale_lr=False, cfg_options=None, launcher='none')
#: The default hooks mmengine's Runner knows by name (a None there removes the hook).
MMENGINE_DEFAULT_HOOKS = ('runtime_info', 'timer', 'sampler_seed', 'logger', 'param_scheduler',
                          'checkpoint')


def train_args(config: str, **options) -> argparse.Namespace:
    """The arguments ``tools/train.py CONFIG`` would parse, with ``options`` (the names of
    :data:`TRAIN_OPTIONS`; ``resume='auto'`` is ``--resume`` without a path)."""
    unknown = sorted(set(options) - set(TRAIN_OPTIONS))
    if unknown:
        raise TypeError(f'unknown train options {unknown}; allowed: {sorted(TRAIN_OPTIONS)}')
    return argparse.Namespace(config=config, **{**TRAIN_OPTIONS, **options})


def parse_cfg_options(options: Sequence[str]) -> dict:
    """``['a.b=1', 'c="[x,y]"']`` -> the dict ``--cfg-options`` would give."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(['--cfg-options', *options] if options else []).cfg_options


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
    cap_config(cfg)
    return add_runtime_guards(cfg)


def add_runtime_guards(cfg: Config) -> Config:
    """Atomic checkpoints, the NaN/Inf guard and the random-state hook for every config.

    Configs on ``configs/_base_/default_runtime.py`` have them already; configs that inherit
    another package's runtime (MMRazor's pruning and QAT recipes) get mmengine's
    ``CheckpointHook`` through that package's scope and no guard. Here an unscoped
    ``CheckpointHook`` becomes ``mmkd_ext.AtomicCheckpointHook`` (same arguments; an explicit
    ``mmengine.CheckpointHook`` is kept), and ``non_finite`` / ``random_state`` are added
    when absent (arguments given without a type, ``default_hooks.non_finite.action=skip``,
    get the type). ``default_hooks.non_finite=None`` (or ``random_state=None``) removes one.
    """
    hooks = cfg.get('default_hooks') or ConfigDict()
    checkpoint = hooks.get('checkpoint', ConfigDict(type='CheckpointHook', interval=1))
    if isinstance(checkpoint, dict) and checkpoint.get('type') == 'CheckpointHook':
        checkpoint.pop('_scope_', None)
        checkpoint.type = 'mmkd_ext.AtomicCheckpointHook'
    if checkpoint is not None:
        hooks.checkpoint = checkpoint
    for name, kind in (('non_finite', 'mmkd_ext.NonFiniteLossHook'),
                       ('random_state', 'mmkd_ext.RandomStateHook')):
        guard = hooks.setdefault(name, ConfigDict(type=kind))
        if isinstance(guard, dict) and 'type' not in guard:  # only arguments given
            hooks[name] = ConfigDict(type=kind, **guard)
    for name in [n for n, h in hooks.items() if h is None and n not in MMENGINE_DEFAULT_HOOKS]:
        hooks.pop(name)
    cfg.default_hooks = hooks
    return cfg


def check_config_path(path: str) -> None:
    """Exit naming the nearest shipped configs when ``path`` is not a file."""
    if osp.isfile(path):
        return
    root = project_root()
    shipped = [osp.relpath(p, root) for p in glob.glob(osp.join(root, 'configs', '**', '*.py'),
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


def stop_on(problems: List[str]) -> None:
    """Exit with one ``error: ...`` line per problem, if there is any."""
    if problems:
        sys.exit('error: ' + '\nerror: '.join(problems))


def build_runner(cfg: Config):
    """The runner of ``cfg`` (its own ``runner_type`` if it names one), with gloo for a
    distributed launch on a machine without an accelerator."""
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner
    try:
        note = setup_cpu_distributed(cfg)
    except ValueError as error:
        sys.exit(f'error: {error}')
    with explained_build_errors():
        runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    if note:
        runner.logger.warning(note)
    return runner


def leave_process_group(runner=None) -> None:
    """End a distributed run cleanly: every rank waits for the others, the runner's
    distributed wrapper is taken off its model, and the process group is destroyed.

    The wrapper (DDP's reducer) holds the process group: while it lives, destroying the
    group only unregisters it, and gloo's threads are torn down at interpreter shutdown,
    where they can abort a rank that has finished (``terminate called without an active
    exception``). Unwrapped and collected here, the group is freed while Python still
    runs; ``runner.model`` is then the plain model. Nothing happens outside a distributed
    launch."""
    import gc

    import torch.distributed as dist
    from mmengine.model import is_model_wrapper
    if not (dist.is_available() and dist.is_initialized()):
        return
    dist.barrier()
    if runner is not None and is_model_wrapper(runner.model):
        runner.model = runner.model.module
    gc.collect()
    dist.destroy_process_group()
    gc.collect()


def run_train(args: argparse.Namespace, hooks: Optional[Sequence] = None):
    """Train as ``tools/train.py`` does with ``args`` (see :func:`train_args`), with the
    extra ``hooks`` registered; returns the runner after training.

    Before the runner is built: the config path, the types and arguments of hooks, loops
    and optimizer wrappers (:func:`~mmkd_ext.engine.diagnostics.config_problems`),
    ``--amp`` without an accelerator, the data and the checkpoint to resume.
    """
    from ..engine.hooks import NonFiniteLossError
    from .progress import PROGRESS_FILE_VARIABLE, ProgressHook
    check_config_path(args.config)
    try:
        cfg = merge_args(Config.fromfile(args.config), args)
    except ValueError as error:  # a malformed MMKD_MAX_* variable
        sys.exit(f'error: {error}')

    problems = config_problems(cfg)
    problems += [p for p in [amp_problem(cfg)] if p]
    problems += data_problems(cfg)
    if cfg.get('resume'):
        problems += [p for p in [resume_problem(cfg.get('load_from'), cfg.work_dir)] if p]
    stop_on(problems)

    runner = build_runner(cfg)
    hooks = list(hooks or [])
    if os.environ.get(PROGRESS_FILE_VARIABLE):
        hooks.append(ProgressHook(path=os.environ[PROGRESS_FILE_VARIABLE]))
    for hook in hooks:
        runner.register_hook(hook)
    try:
        with explained_build_errors():
            runner.train()
    except NonFiniteLossError as error:
        runner.logger.error(str(error))
        sys.exit(f'error: {error}')
    leave_process_group(runner)
    return runner
