#!/usr/bin/env python
"""Translate an image into a mix of domains with a trained SGN.

Examples::

    # one mix; names are the config's terms (photo, vangogh, ukiyoe, style, ...)
    python tools/sgn_mix.py CONFIG CKPT photo.jpg --mix vangogh=0.3,ukiyoe=0.2,photo=0.5
    # a grid: each term alone, pairs, the uniform mix, extrapolation (an entry of 1.5)
    python tools/sgn_mix.py CONFIG CKPT photo.jpg other.jpg --grid --out grid.png
    # your own grid; negative entries need --allow-extrapolation
    python tools/sgn_mix.py CONFIG CKPT photo.jpg --grid \\
        --mixes "photo=1; vangogh=0.5,photo=0.5; vangogh=2,photo=-1" --allow-extrapolation
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional, Sequence

import cv2

import mmkd_ext  # noqa: F401  (compat shims before mm* packages)
from mmkd_ext.apis import SGNMixer
from mmkd_ext.checkpoint import UnsafeCheckpointError


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Translate images into mixes of domains with a trained SGN.')
    parser.add_argument('config', help='the SGN training config')
    parser.add_argument('checkpoint', help='its checkpoint (only generator.* is used)')
    parser.add_argument('images', nargs='+', help='input image(s)')
    parser.add_argument('--mix', help='one mix, NAME=VALUE,... (names not given are 0)')
    parser.add_argument('--grid', action='store_true',
                        help='write a grid: one row per image, one column per mix')
    parser.add_argument('--mixes', help='the grid\'s mixes, separated by ";" (default: '
                        'each term alone, every pair 50/50, uniform, each painter at 1.5)')
    parser.add_argument('--allow-extrapolation', action='store_true',
                        help='accept negative mix entries')
    parser.add_argument('--size', type=int, help='resize the shorter side to SIZE first '
                        '(default: as read for --mix, 256 for --grid)')
    parser.add_argument('--out', help='output file (--grid) or folder (--mix); default: '
                        'next to the input, named after the mix')
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args(argv)
    if bool(args.mix) == args.grid:
        parser.error('give exactly one of --mix MIX and --grid')
    if args.mixes and not args.grid:
        parser.error('--mixes goes with --grid')
    if args.size is not None and args.size < 4:
        parser.error('--size must be at least 4')
    return args


def _write(path: str, rgb) -> str:
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    if not cv2.imwrite(path, rgb[..., ::-1]):
        raise ValueError(f'cannot write {path!r} (unknown image extension?)')
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        mixer = SGNMixer(args.config, args.checkpoint, device=args.device)
        written: List[str] = []
        if args.grid:
            mixes = [m for m in (args.mixes or '').split(';') if m.strip()] or None
            grid = mixer.grid(args.images, mixes, args.allow_extrapolation, args.size or 256)
            stem = osp.splitext(args.images[0])[0]
            written.append(_write(args.out or f'{stem}_sgn_grid.png', grid))
        else:
            s = mixer.s(args.mix, args.allow_extrapolation)
            tag = '_'.join(f'{n}{float(v):g}' for n, v in zip(mixer.names, s) if v != 0)
            for image in args.images:
                out = mixer.mix(image, s, args.allow_extrapolation, args.size)
                stem, _ = osp.splitext(osp.basename(image))
                folder = args.out or osp.dirname(osp.abspath(image))
                written.append(_write(osp.join(folder, f'{stem}_{tag or "zero"}.png'), out))
    except (ValueError, FileNotFoundError, TypeError, KeyError, UnsafeCheckpointError) as error:
        print(f'sgn_mix: error: {error}', file=sys.stderr)
        return 2
    print('\n'.join(written))
    return 0


if __name__ == '__main__':
    sys.exit(main())
