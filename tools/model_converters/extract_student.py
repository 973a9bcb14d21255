"""Extract the trained network of an mmkd_ext checkpoint into a plain host checkpoint.

    python tools/model_converters/extract_student.py work_dirs/fitnet/iter_300000.pth student.pth
    python tools/model_converters/extract_student.py afd.pth net1.pth --net 1

Keeps the ``state_dict`` entries under the prefix (default ``student.``) with the prefix
stripped, and drops everything else: teacher, connectors, optimizer, schedulers, message
hub. The result loads strictly into the student's own config (e.g. ``mmagic.BaseEditModel``
with its EDSR generator) and works with mmagic's / mmpretrain's ``tools/test.py``.
The input goes through mmengine's loader, hence through mmkd_ext's weights-only allow-list;
the output is written to a temporary file and renamed (never left half written).
"""
import argparse
import os.path as osp
import sys
import zipfile
from collections import OrderedDict
from typing import Dict, List, Optional

import mmkd_ext  # noqa: F401  (compat shims first: checkpoint allow-list)
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from mmkd_ext.engine.atomic_save import save_checkpoint_atomic

#: Entries of the source ``meta`` copied into the output (when present).
KEPT_META = ('epoch', 'iter', 'seed', 'experiment_name', 'mmengine_version', 'time')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Extract the student of a distillation checkpoint')
    parser.add_argument('checkpoint', help='checkpoint written while training an algorithm')
    parser.add_argument('out', help='where to write the student checkpoint')
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        '--prefix',
        default='student.',
        help='key prefix of the network to keep (default: student.)')
    which.add_argument(
        '--net',
        type=int,
        metavar='K',
        help='network K of an online algorithm (AFD, DML): the same as --prefix netK.')
    args = parser.parse_args(argv)
    if args.net is not None:
        if args.net < 0:
            parser.error(f'--net: K counts networks from 0, got {args.net}')
        args.prefix = f'net{args.net}.'
    return args


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


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    prefix = args.prefix if args.prefix.endswith('.') else args.prefix + '.'
    if '://' not in args.checkpoint and not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} does not exist')
    if '://' not in args.checkpoint and not zipfile.is_zipfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} is not a complete checkpoint '
                 '(truncated by an interrupted write, or not a torch zip file)')
    ckpt = _load_checkpoint(args.checkpoint, map_location='cpu')
    state_dict = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state_dict, dict):
        sys.exit(f'error: {args.checkpoint} holds no state_dict')
    try:
        student = extract(state_dict, prefix)
    except ValueError as error:
        sys.exit(f'error: {args.checkpoint}: {error}')

    source_meta = ckpt.get('meta') or {}
    meta = {k: source_meta[k] for k in KEPT_META if k in source_meta}
    meta.update(source=osp.abspath(args.checkpoint), prefix=prefix,
                mmkd_ext_version=mmkd_ext.__version__)
    save_checkpoint_atomic({'meta': meta, 'state_dict': student}, args.out)

    dropped = sorted({k.split('.')[0] for k in state_dict if not k.startswith(prefix)})
    others = sorted(k for k in ckpt if k not in ('state_dict', 'meta'))
    print(f'{args.out}: kept {len(student)} tensors '
          f'({sum(v.numel() for v in student.values()):,} values) under {prefix!r}; '
          f'dropped {len(state_dict) - len(student)} tensors ({", ".join(dropped) or "none"})'
          f' and {", ".join(others) or "nothing else"}')


if __name__ == '__main__':
    main()
