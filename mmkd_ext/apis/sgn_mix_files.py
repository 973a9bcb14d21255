"""Images in, mixed translations out: the file side of ``tools/sgn_mix.py`` over
:class:`mmkd_ext.apis.sgn_mix.SGNMixer`."""
import argparse
import os
import os.path as osp
import sys
from typing import List

from ..checkpoint import UnsafeCheckpointError
from .paths import refuse_protected_outputs

__all__ = ['write_mixes', 'write_image']


def write_image(path: str, rgb, palette: bool = False) -> str:
    """Write an RGB uint8 image (folders made as needed); ``palette``: a 256-colour PNG
    (a grid small enough for a README). Returns ``path``."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    if palette:
        from PIL import Image
        if not path.lower().endswith('.png'):
            raise ValueError(f'a palette image is a PNG, not {path!r}')
        Image.fromarray(rgb).quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
        return path
    import cv2
    if not cv2.imwrite(path, rgb[..., ::-1]):
        raise ValueError(f'cannot write {path!r} (unknown image extension?)')
    return path


def write_mixes(args: argparse.Namespace) -> int:
    """Translate ``args.images`` with one mix (``args.mix``: one file per image, named
    after the mix), into a grid (``args.grid``: one file) or, for a model of three terms,
    the first image over the simplex (``args.sweep``, grid step ``args.step``); print the
    files written.

    Returns:
        int: 0, or 2 after printing ``sgn_mix: error: ...`` for a bad mix, image or
        checkpoint. An output that is shipped with the package or tracked by git stops
        before any work unless ``args.force``.
    """
    from .sgn_mix import SGNMixer
    sweep = getattr(args, 'sweep', False)
    if args.grid or sweep:
        kind = 'grid' if args.grid else 'sweep'
        grid_out = args.out or f'{osp.splitext(args.images[0])[0]}_sgn_{kind}.png'
        refuse_protected_outputs([grid_out], getattr(args, 'force', False), 'sgn_mix')
    try:
        mixer = SGNMixer(args.config, args.checkpoint, device=args.device)
        written: List[str] = []
        if args.grid:
            mixes = [m for m in (args.mixes or '').split(';') if m.strip()] or None
            grid = mixer.grid(args.images, mixes, args.allow_extrapolation, args.size or 256)
            written.append(write_image(grid_out, grid, getattr(args, 'palette', False)))
        elif sweep:
            written.append(write_image(grid_out, mixer.sweep(args.images[0], args.step,
                                                             args.size or 128),
                                       getattr(args, 'palette', False)))
        else:
            s = mixer.s(args.mix, args.allow_extrapolation)
            tag = '_'.join(f'{n}{float(v):g}' for n, v in zip(mixer.names, s) if v != 0)
            outputs = [osp.join(args.out or osp.dirname(osp.abspath(image)),
                                f'{osp.splitext(osp.basename(image))[0]}_{tag or "zero"}.png')
                       for image in args.images]
            refuse_protected_outputs(outputs, getattr(args, 'force', False), 'sgn_mix')
            for image, path in zip(args.images, outputs):
                written.append(write_image(path, mixer.mix(image, s, args.allow_extrapolation,
                                                      args.size)))
    except (ValueError, FileNotFoundError, TypeError, KeyError, UnsafeCheckpointError) as error:
        print(f'sgn_mix: error: {error}', file=sys.stderr)
        return 2
    print('\n'.join(written))
    return 0
