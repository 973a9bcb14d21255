"""Images in, mixed translations out: the file side of ``tools/sgn_mix.py`` over
:class:`mmkd_ext.apis.sgn_mix.SGNMixer`."""
import argparse
import os
import os.path as osp
import sys
from typing import List

from ..checkpoint import UnsafeCheckpointError

__all__ = ['write_mixes']


def _write(path: str, rgb) -> str:
    import cv2
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    if not cv2.imwrite(path, rgb[..., ::-1]):
        raise ValueError(f'cannot write {path!r} (unknown image extension?)')
    return path


def write_mixes(args: argparse.Namespace) -> int:
    """Translate ``args.images`` with one mix (``args.mix``: one file per image, named
    after the mix) or into a grid (``args.grid``: one file); print the files written.

    Returns:
        int: 0, or 2 after printing ``sgn_mix: error: ...`` for a bad mix, image or
        checkpoint.
    """
    from .sgn_mix import SGNMixer
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
