#!/usr/bin/env python
"""Translate an image into a mix of domains with a trained SGN.

Examples::

    # one mix; names are the config's terms (photo, vangogh, ukiyoe, style, ...)
    python tools/sgn_mix.py CONFIG CKPT photo.jpg --mix vangogh=0.3,ukiyoe=0.2,photo=0.5
    # a grid: each term alone, pairs, the uniform mix, extrapolation (an entry of 1.5)
    python tools/sgn_mix.py CONFIG CKPT photo.jpg other.jpg --grid --out grid.png
    # three terms: the simplex for one photo (rows: the second term's weight, columns: the
    # third's, step 0.25; the first term gets the rest)
    python tools/sgn_mix.py CONFIG CKPT photo.jpg --sweep --out sweep.png
    # your own grid; negative entries need --allow-extrapolation
    python tools/sgn_mix.py CONFIG CKPT photo.jpg --grid \\
        --mixes "photo=1; vangogh=0.5,photo=0.5; vangogh=2,photo=-1" --allow-extrapolation
"""
import argparse
import sys
from typing import Optional, Sequence

from mmkd_ext.apis.sgn_mix_files import write_mixes


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Translate images into mixes of domains with a trained SGN.')
    parser.add_argument('config', help='the SGN training config')
    parser.add_argument('checkpoint', help='its checkpoint (only generator.* is used)')
    parser.add_argument('images', nargs='+', help='input image(s)')
    parser.add_argument('--mix', help='one mix, NAME=VALUE,... (names not given are 0)')
    parser.add_argument('--grid', action='store_true',
                        help='write a grid: one row per image, one column per mix')
    parser.add_argument('--sweep', action='store_true',
                        help='three terms: the first image over the simplex, one cell per '
                        'mix of grid step --step')
    parser.add_argument('--step', type=float, default=0.25, help='the sweep\'s grid step')
    parser.add_argument('--mixes', help='the grid\'s mixes, separated by ";" (default: '
                        'each term alone, every pair 50/50, uniform, each painter at 1.5)')
    parser.add_argument('--allow-extrapolation', action='store_true',
                        help='accept negative mix entries')
    parser.add_argument('--size', type=int, help='resize the shorter side to SIZE first '
                        '(default: as read for --mix, 256 for --grid, 128 for --sweep)')
    parser.add_argument('--out', help='output file (--grid) or folder (--mix); default: '
                        'next to the input, named after the mix')
    parser.add_argument('--palette', action='store_true',
                        help='--grid/--sweep: a 256-colour PNG (about a third of the size)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--force', action='store_true',
                        help='write even where an output is a shipped or git-tracked file')
    args = parser.parse_args(argv)
    if sum((bool(args.mix), args.grid, args.sweep)) != 1:
        parser.error('give exactly one of --mix MIX, --grid and --sweep')
    if args.sweep and len(args.images) != 1:
        parser.error('--sweep translates one image')
    if not 0 < args.step <= 1:
        parser.error(f'--step must be in (0, 1], got {args.step}')
    if args.palette and not (args.grid or args.sweep):
        parser.error('--palette goes with --grid or --sweep')
    if args.mixes and not args.grid:
        parser.error('--mixes goes with --grid')
    if args.size is not None and args.size < 4:
        parser.error('--size must be at least 4')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    return write_mixes(parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
