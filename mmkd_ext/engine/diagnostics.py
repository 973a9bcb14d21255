"""Errors a user can act on, for the failures the tools meet before training starts.

mmengine reports a misspelt type as ``KeyError: 'X is not in the mmkd_ext::model
registry'`` and a misspelt argument as ``TypeError: ... got an unexpected keyword argument
'x'``, without the names that would have been right; an interrupted or foreign checkpoint
given to ``--resume`` fails deep inside ``torch.load``. These helpers name the offending
value and the valid choices.

Some arguments reach no ``__init__`` that could refuse them: mmengine's ``CheckpointHook``
keeps unknown ones and passes them to ``Runner.save_checkpoint`` at the first save (500 or
5,000 iterations later), and hooks, loops and optimizer wrappers are built only when
training starts, after the model and the data. :func:`config_problems` checks their types
and arguments against the classes' signatures before the runner is built.
"""
import difflib
import glob
import inspect
import os.path as osp
import re
import zipfile
from typing import Iterable, List, Optional

__all__ = ['explain_build_error', 'resume_problem', 'complete_checkpoints', 'nearest',
           'config_problems', 'accepted_arguments', 'amp_problem']

_NOT_IN_REGISTRY = re.compile(r"([\w.]+) is not in the ([\w.]+)::(.+?) registry")
_UNEXPECTED_ARG = re.compile(
    r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'")


def nearest(name: str, choices: Iterable[str], n: int = 5) -> List[str]:
    """The ``n`` choices closest to ``name`` (case-insensitive)."""
    choices = sorted(set(choices))
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[c] for c in close]


def _registries():
    from mmkd_ext import registry
    return [getattr(registry, name) for name in registry.__all__]


def _registered_names(reg) -> List[str]:
    """Names buildable from ``reg``'s scope: its own, its parents' and its siblings'
    (scoped as ``'mmagic.EDSRNet'``)."""
    reg.import_from_location()
    names = set(reg.module_dict)
    root = reg
    while root.parent is not None:
        root = root.parent
        names |= set(root.module_dict)
    for scope, child in root.children.items():
        if scope == reg.scope:
            continue
        child.import_from_location()
        names |= {f'{scope}.{n}' for n in child.module_dict}
    return sorted(names)


def explain_build_error(error: BaseException) -> Optional[str]:
    """A message naming the valid choices for a misspelt type or argument, or None when
    ``error`` is not one of those."""
    text = str(error.args[0]) if error.args else str(error)
    match = _NOT_IN_REGISTRY.search(text)
    if isinstance(error, KeyError) and match:
        name, scope, what = match.groups()
        reg = next((r for r in _registries() if r.name == what), None)
        if reg is None:
            return None
        close = nearest(name.split('.')[-1], [n.split('.')[-1] for n in _registered_names(reg)])
        full = [n for n in _registered_names(reg) if n.split('.')[-1] in close]
        return (f'unknown {what} type {name!r} (scope {scope!r}); nearest registered '
                f'names: {full or "none"}. Name a host type with its scope, e.g. '
                "'mmagic.EDSRNet', 'mmpretrain.ImageClassifier'")
    match = _UNEXPECTED_ARG.search(text)
    if isinstance(error, TypeError) and match:
        cls_name, arg = match.groups()
        for reg in _registries():
            cls = reg.get(cls_name)
            if inspect.isclass(cls):
                params = [p for p in inspect.signature(cls.__init__).parameters
                          if p not in ('self', 'args', 'kwargs')]
                hint = nearest(arg, params, n=3)
                return (f'{cls_name} has no argument {arg!r}' +
                        (f' (did you mean {hint[0]!r}?)' if hint else '') +
                        f'; its arguments are {params}')
    return None


def complete_checkpoints(folder: str) -> List[str]:
    """Checkpoints in ``folder`` whose file is complete (newest first)."""
    paths = glob.glob(osp.join(glob.escape(folder), '*.pth'))
    return sorted((p for p in paths if zipfile.is_zipfile(p)), key=osp.getmtime, reverse=True)


def resume_problem(resume_from: Optional[str], work_dir: str) -> Optional[str]:
    """Why resuming from ``resume_from`` (None: what ``work_dir/last_checkpoint`` names)
    cannot work, or None. Remote paths are not checked."""
    if resume_from is None:
        pointer = osp.join(work_dir, 'last_checkpoint')
        if not osp.isfile(pointer):
            return None  # nothing to resume: training starts from the beginning
        with open(pointer) as f:
            resume_from = f.read().strip()
        source = f'{pointer} names {resume_from!r}, which'
    else:
        source = f'the checkpoint {resume_from!r} given to --resume'
    if '://' in resume_from:
        return None
    folder = osp.dirname(resume_from) or '.'
    if not osp.isfile(resume_from):
        problem = f'{source} does not exist'
    elif not zipfile.is_zipfile(resume_from):
        problem = (f'{source} is not a complete checkpoint (truncated by an interrupted '
                   'write, or not a torch zip file)')
    else:
        return None
    ok = complete_checkpoints(folder) if osp.isdir(folder) else []
    hint = (f'; complete checkpoints there, newest first: {[osp.basename(p) for p in ok]}; '
            f'resume from one with --resume {ok[0]}') if ok else \
        f'; no complete checkpoint in {folder}: train from the beginning without --resume'
    return problem + hint


# -- start-up checks of the parts the runner builds late --------------------------------

#: Keys of a component config that are not constructor arguments.
_META_KEYS = ('type', '_scope_', 'priority')
#: Keys of an optimizer-wrapper config that its constructor consumes.
_WRAPPER_KEYS = ('type', '_scope_', 'optimizer', 'constructor', 'paramwise_cfg', 'modules')
#: Arguments that loops, wrappers and hooks get from the runner, not from the config.
_RUNNER_GIVEN = ('runner', 'dataloader', 'evaluator', 'optimizer', 'params')
#: Loop arguments that count iterations and their counterpart that counts epochs.
_LOOP_UNITS = {'max_iters': 'max_epochs', 'max_epochs': 'max_iters'}


def _kwargs_sinks() -> dict:
    """Classes whose ``**kwargs`` go somewhere known -> the extra names accepted there.

    mmengine's ``CheckpointHook`` passes its extra keyword arguments to
    ``Runner.save_checkpoint`` along with the ones it sets itself, so none is valid.
    """
    from mmengine.hooks import CheckpointHook
    from mmengine.runner import Runner
    passed = ('self', 'out_dir', 'filename', 'file_client_args', 'save_optimizer',
              'save_param_scheduler', 'meta', 'by_epoch', 'backend_args')
    return {CheckpointHook: [p for p in inspect.signature(Runner.save_checkpoint).parameters
                             if p not in passed]}


def accepted_arguments(cls) -> Optional[List[str]]:
    """The keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up the base
    classes; None when ``**kwargs`` ends where it cannot be followed."""
    names: List[str] = []
    sinks = _kwargs_sinks()
    for klass in inspect.getmro(cls):
        if klass is object:
            return None
        init = vars(klass).get('__init__')
        if init is None:
            continue
        try:
            params = list(inspect.signature(init).parameters.values())
        except (TypeError, ValueError):
            return None
        names += [p.name for p in params if p.name != 'self' and p.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            return list(dict.fromkeys(names))
        if klass in sinks:
            return list(dict.fromkeys(names + sinks[klass]))
    return None


def _type_name(kind) -> str:
    return kind if isinstance(kind, str) else getattr(kind, '__name__', repr(kind))


def _resolve(root, kind, scope: Optional[str]):
    """``(class or None, registry searched)`` of the type ``kind`` in ``scope``."""
    if inspect.isclass(kind):
        return kind, root
    with root.switch_scope_and_registry(scope) as registry:
        return registry.get(kind), registry


def _unknown_type(where: str, what: str, kind: str, registry, scope: Optional[str]) -> str:
    names = _registered_names(registry)
    close = nearest(kind.split('.')[-1], [n.split('.')[-1] for n in names])
    full = [n for n in names if n.split('.')[-1] in close]
    return (f'{where}: unknown {what} type {kind!r} (scope {scope!r}); nearest registered '
            f'names: {full or "none"}')


def _argument_problems(where: str, cls, given, kind) -> List[str]:
    accepted = accepted_arguments(cls)
    if accepted is None:
        return []
    valid = [a for a in accepted if a not in _RUNNER_GIVEN]
    problems = []
    for arg in given:
        if arg in accepted:
            continue
        unit = _LOOP_UNITS.get(arg)
        if unit in valid:
            counts = 'epochs' if unit == 'max_epochs' else 'iterations'
            problems.append(
                f'{where}: {_type_name(kind)} has no argument {arg!r} (did you mean {unit!r}?):'
                f' this loop counts {counts}, set {where}.{unit}=N; its arguments are {valid}')
            continue
        hint = nearest(arg, valid, n=3)
        problems.append(f'{where}: {_type_name(kind)} has no argument {arg!r}' +
                        (f' (did you mean {hint[0]!r}?)' if hint else '') +
                        f'; its arguments are {valid}')
    return problems


def _component_problems(where: str, cfg, root, what: str, scope: Optional[str],
                        default=None, skip=_META_KEYS) -> List[str]:
    """Type and arguments of one component config (a dict with ``type``, or ``default``'s
    class when it has none)."""
    if not isinstance(cfg, dict):
        return []
    kind = cfg.get('type', default)
    if kind is None:
        return [f'{where} has no type: give {where}.type (arguments given: {sorted(cfg)})']
    scope = cfg.get('_scope_', scope)
    cls, registry = _resolve(root, kind, scope)
    if cls is None:
        return [_unknown_type(where, what, kind, registry, scope)]
    if not inspect.isclass(cls):
        return []
    return _argument_problems(where, cls, [k for k in cfg if k not in skip], kind)


def _loop_problems(cfg, scope) -> List[str]:
    from mmengine.registry import LOOPS
    from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop
    problems = []
    train = cfg.get('train_cfg')
    if isinstance(train, dict):
        if 'type' in train and 'by_epoch' in train:
            problems.append('train_cfg: give `type` or `by_epoch`, not both (mmengine picks '
                            'EpochBasedTrainLoop or IterBasedTrainLoop from by_epoch)')
        else:
            default = EpochBasedTrainLoop if train.get('by_epoch') else IterBasedTrainLoop
            problems += _component_problems('train_cfg', train, LOOPS, 'loop', scope, default,
                                            skip=_META_KEYS + ('by_epoch', ))
    for field, default in (('val_cfg', ValLoop), ('test_cfg', TestLoop)):
        problems += _component_problems(field, cfg.get(field), LOOPS, 'loop', scope, default)
    return problems


def _hook_problems(cfg, scope) -> List[str]:
    from mmengine.registry import HOOKS
    problems = []
    for name, hook in (cfg.get('default_hooks') or {}).items():
        problems += _component_problems(f'default_hooks.{name}', hook, HOOKS, 'hook', scope)
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        problems += _component_problems(f'custom_hooks[{i}]', hook, HOOKS, 'hook', scope)
    return problems


def _wrapper_configs(optim_wrapper) -> List[tuple]:
    """``(where, wrapper config)`` of one wrapper or of each per-module wrapper."""
    if not isinstance(optim_wrapper, dict):
        return []
    if 'optimizer' in optim_wrapper:
        return [('optim_wrapper', optim_wrapper)]
    return [(f'optim_wrapper.{k}', w) for k, w in optim_wrapper.items()
            if isinstance(w, dict) and ('optimizer' in w or 'type' in w)]


def _optim_problems(cfg, scope) -> List[str]:
    from mmengine.registry import OPTIM_WRAPPERS, OPTIMIZERS
    problems = []
    for where, wrapper in _wrapper_configs(cfg.get('optim_wrapper')):
        problems += _component_problems(where, wrapper, OPTIM_WRAPPERS, 'optim_wrapper', scope,
                                        'OptimWrapper', skip=_WRAPPER_KEYS)
        optimizer = wrapper.get('optimizer')
        if isinstance(optimizer, dict) and 'type' in optimizer:
            problems += _component_problems(f'{where}.optimizer', optimizer, OPTIMIZERS,
                                            'optimizer', wrapper.get('_scope_', scope))
    return problems


def config_problems(cfg) -> List[str]:
    """One line per unknown type or argument of the hooks (``default_hooks``,
    ``custom_hooks``), loops (``train_cfg``, ``val_cfg``, ``test_cfg``), optimizer
    wrappers and optimizers of ``cfg``, naming the nearest valid names; empty when none.

    The runner builds these only when training starts, and mmengine's ``CheckpointHook``
    defers unknown arguments to the first save; checked here, a typo stops before the model
    and the data are built.
    """
    from mmengine.registry import DefaultScope
    scope = cfg.get('default_scope')
    with DefaultScope.overwrite_default_scope(scope):
        return _hook_problems(cfg, scope) + _loop_problems(cfg, scope) + \
            _optim_problems(cfg, scope)


def _has_accelerator() -> bool:
    from mmengine.device import (
        is_cuda_available,
        is_mlu_available,
        is_musa_available,
        is_npu_available,
    )
    return (is_cuda_available() or is_npu_available() or is_mlu_available()
            or is_musa_available())


def amp_problem(cfg) -> Optional[str]:
    """Why the ``AmpOptimWrapper`` of ``cfg`` (``--amp``) cannot run here, or None."""
    amp = [where for where, w in _wrapper_configs(cfg.get('optim_wrapper'))
           if _type_name(w.get('type', '')).split('.')[-1] == 'AmpOptimWrapper']
    if not amp or _has_accelerator():
        return None
    return (f'--amp (AmpOptimWrapper in {", ".join(amp)}) needs a CUDA, NPU, MLU or MUSA '
            'device and this machine has none: train without --amp (on CPU, FeatureDistill and '
            "FEED run their teacher in bf16 with model.teacher_precision='bf16')")
