#!/usr/bin/env python
"""Super-resolve images with a trained SR model, e.g. a distilled student.

    python tools/model_converters/extract_student.py work_dirs/my_lsfd/iter_1000.pth student.pth
    python tools/sr_infer.py mmkd_ext::edsr/edsr_x4c16b4_1xb8-1k_sr-demo.py student.pth \\
        photo.png other.jpg --out sr/

CONFIG is the student's own config (a file, or ``mmkd_ext::`` / ``mmagic::`` one); the
distillation config works too (its ``model.student`` is built). Each image is written as
``DIR/<name>.png``. Large images run in tiles of ``--tile`` LR pixels that overlap by
``--tile-overlap`` pixels, so memory stays bounded; ``--tile 0`` runs whole images.
"""
import argparse
import sys
from typing import Optional, Sequence

import mmkd_ext  # noqa: F401  (compat shims before mm* packages)
from mmkd_ext.apis import super_resolve
from mmkd_ext.compat import UnsafeCheckpointError


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Super-resolve images with a trained SR model')
    parser.add_argument('config', help='the model\'s config (or the distillation config)')
    parser.add_argument('checkpoint', help='its checkpoint, e.g. extract_student.py\'s output')
    parser.add_argument('images', nargs='+', help='input image(s)')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--tile', type=int, default=256,
                        help='tile size in input pixels; 0: whole images (default: 256)')
    parser.add_argument('--tile-overlap', type=int, default=32,
                        help='input pixels each tile sees beyond its core (default: 32)')
    parser.add_argument('--force', action='store_true',
                        help='write even where an output is a shipped or git-tracked file')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        written = super_resolve(args.config, args.checkpoint, args.images, args.out,
                                args.device, args.tile, args.tile_overlap, args.force)
    except (ValueError, FileNotFoundError, TypeError, UnsafeCheckpointError) as error:
        print(f'sr_infer: error: {error}', file=sys.stderr)
        return 2
    print('\n'.join(written))
    return 0


if __name__ == '__main__':
    sys.exit(main())
