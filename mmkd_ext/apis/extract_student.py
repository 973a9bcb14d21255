"""Extract the trained network of an mmkd_ext checkpoint into a plain host checkpoint
(``tools/model_converters/extract_student.py``).

Keeps the ``state_dict`` entries under the prefix (default ``student.``) with the prefix
stripped, and drops everything else: teacher, connectors, optimizer, schedulers, message
hub. The result loads strictly into the student's own config (e.g. ``mmagic.BaseEditModel``
with its EDSR generator) and works with mmagic's / mmpretrain's ``tools/test.py``. The input
goes through mmengine's loader, hence through the weights-only allow-list of
:mod:`mmkd_ext.checkpoint`; the output is written to a temporary file and renamed (never left
half written).
"""
import os.path as osp
import sys
from collections import OrderedDict
from typing import Dict

import torch

from ..engine.atomic_save import save_checkpoint_atomic
from ..version import __version__
from .paths import refuse_protected_outputs
from .test import checkpoint_problem
from .train import stop_on

__all__ = ['extract', 'extract_student', 'KEPT_META']

#: Entries of the source ``meta`` copied into the output (when present).
KEPT_META = ('epoch', 'iter', 'seed', 'experiment_name', 'mmengine_version', 'time')


def extract(state_dict: Dict[str, torch.Tensor], prefix: str) -> 'OrderedDict[str, torch.Tensor]':
    """The entries of ``state_dict`` under ``prefix``, prefix stripped.

    Raises:
        ValueError: no key starts with ``prefix``; the message lists the prefixes found.
    """
    kept = OrderedDict((k[len(prefix):], v) for k, v in state_dict.items()
                       if k.startswith(prefix))
    if not kept:
        found = sorted({k.split('.')[0] + '.' for k in state_dict})
        raise ValueError(f'no key starts with {prefix!r}; the top-level prefixes are '
                         f'{", ".join(found) or "(empty state_dict)"}')
    return kept


def extract_student(checkpoint: str, out: str, prefix: str = 'student.',
                    force: bool = False) -> None:
    """Write the entries of ``checkpoint`` under ``prefix`` to ``out`` and print what was
    kept and dropped (``prefix=''`` keeps every weight: a plain model's checkpoint without
    its optimizer, schedulers and message hub); a missing, truncated or foreign checkpoint
    stops with ``error: ...``, and so does an ``out`` that is shipped with the package or
    tracked by git, unless ``force``.
    """
    from mmengine.runner.checkpoint import _load_checkpoint
    prefix = prefix if not prefix or prefix.endswith('.') else prefix + '.'
    refuse_protected_outputs([out], force)
    problem = checkpoint_problem(checkpoint)
    stop_on([problem] if problem else [])
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state_dict = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state_dict, dict):
        sys.exit(f'error: {checkpoint} holds no state_dict')
    try:
        student = extract(state_dict, prefix)
    except ValueError as error:
        sys.exit(f'error: {checkpoint}: {error}')

    source_meta = ckpt.get('meta') or {}
    meta = {k: source_meta[k] for k in KEPT_META if k in source_meta}
    meta.update(source=osp.abspath(checkpoint), prefix=prefix, mmkd_ext_version=__version__)
    save_checkpoint_atomic({'meta': meta, 'state_dict': student}, out)

    dropped = sorted({k.split('.')[0] for k in state_dict if not k.startswith(prefix)})
    others = sorted(k for k in ckpt if k not in ('state_dict', 'meta'))
    print(f'{out}: kept {len(student)} tensors '
          f'({sum(v.numel() for v in student.values()):,} values) under {prefix!r}; '
          f'dropped {len(state_dict) - len(student)} tensors ({", ".join(dropped) or "none"})'
          f' and {", ".join(others) or "nothing else"}')
