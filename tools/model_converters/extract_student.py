"""Extract the trained network of an mmkd_ext checkpoint into a plain host checkpoint.

    python tools/model_converters/extract_student.py work_dirs/fitnet/iter_300000.pth student.pth
    python tools/model_converters/extract_student.py afd.pth net1.pth --net 1
    python tools/model_converters/extract_student.py edsr/iter_20000.pth edsr.pth --prefix ''

Keeps the ``state_dict`` entries under the prefix (default ``student.``) with the prefix
stripped, and drops everything else: teacher, connectors, optimizer, schedulers, message
hub. The result loads strictly into the student's own config (e.g. ``mmagic.BaseEditModel``
with its EDSR generator) and works with mmagic's / mmpretrain's ``tools/test.py``.
The input goes through mmengine's loader, hence through mmkd_ext's weights-only allow-list;
the output is written to a temporary file and renamed (never left half written).
"""
import argparse
from typing import List, Optional

from mmkd_ext.apis.extract_student import extract_student


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Extract the student of a distillation checkpoint')
    parser.add_argument('checkpoint', help='checkpoint written while training an algorithm')
    parser.add_argument('out', help='where to write the student checkpoint')
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        '--prefix',
        default='student.',
        help="key prefix of the network to keep (default: student.); '' keeps every weight "
        '(a plain model trained alone, without its training state)')
    which.add_argument(
        '--net',
        type=int,
        metavar='K',
        help='network K of an online algorithm (AFD, DML): the same as --prefix netK.')
    parser.add_argument('--force', action='store_true',
                        help='write OUT even where it is a shipped or git-tracked file')
    args = parser.parse_args(argv)
    if args.net is not None:
        if args.net < 0:
            parser.error(f'--net: K counts networks from 0, got {args.net}')
        args.prefix = f'net{args.net}.'
    return args


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    extract_student(args.checkpoint, args.out, args.prefix, args.force)


if __name__ == '__main__':
    main()
