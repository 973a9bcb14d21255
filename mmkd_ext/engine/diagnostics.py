"""Errors a user can act on, for the failures the tools meet before training starts.

mmengine reports a misspelt type as ``KeyError: 'X is not in the mmkd_ext::model
registry'`` and a misspelt argument as ``TypeError: ... got an unexpected keyword argument
'x'``, without the names that would have been right; an interrupted or foreign checkpoint
given to ``--resume`` fails deep inside ``torch.load``. These helpers name the offending
value and the valid choices.
"""
import difflib
import glob
import inspect
import os.path as osp
import re
import zipfile
from typing import Iterable, List, Optional

__all__ = ['explain_build_error', 'resume_problem', 'complete_checkpoints', 'nearest']

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
