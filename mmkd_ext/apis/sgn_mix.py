"""Translate images into mixes of domains with a trained SGN: parse a mix, run the
generator, lay out a grid of mixes."""
import math
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence, Union

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict
from torch import nn

from mmkd_ext.models.algorithms.sgn import parse_terms
from mmkd_ext.models.losses.perceptual_style_loss import read_rgb_image
from mmkd_ext.registry import MODELS

__all__ = ['parse_mix', 'default_mixes', 'mix_label', 'read_image', 'center_square',
           'translate', 'tile_grid', 'mix_grid', 'simplex_sweep', 'SGNMixer']

MixType = Union[str, Mapping[str, float], Sequence[float], torch.Tensor]


def parse_mix(mix: MixType, names: Sequence[str],
              allow_extrapolation: bool = False) -> torch.Tensor:
    """A mix -> the sym-parameter ``s`` (n, ) in the order of ``names``.

    Args:
        mix: ``'vangogh=0.3,ukiyoe=0.2,photo=0.5'``, a dict of the same, or n numbers.
            Names left out of a string or dict get 0.
        names (Sequence[str]): The model's term names (``SGN.term_names``).
        allow_extrapolation (bool): Accept negative entries. Entries above 1 and sums other
            than 1 are always accepted (the paper's extrapolation, e.g. ``vangogh=1.5``).

    Raises:
        ValueError: An unknown or repeated name, a malformed entry, the wrong number of
            entries, a non-finite value, or a negative one without ``allow_extrapolation``.
    """
    names = list(names)
    if isinstance(mix, str):
        entries = {}
        for token in filter(None, (t.strip() for t in mix.split(','))):
            name, eq, value = token.partition('=')
            name = name.strip()
            try:
                number = float(value) if eq else None
            except ValueError:
                number = None
            if number is None:
                raise ValueError(f'mix entry {token!r} is not NAME=NUMBER (e.g. '
                                 f'"{names[-1]}=0.3"); names: {names}')
            if name in entries:
                raise ValueError(f'mix names {name!r} twice in {mix!r}')
            entries[name] = number
        if not entries:
            raise ValueError(f'empty mix {mix!r}; give NAME=NUMBER entries for {names}')
        mix = entries
    if isinstance(mix, Mapping):
        unknown = [k for k in mix if k not in names]
        if unknown:
            raise ValueError(f'unknown domain {unknown[0]!r} in the mix; the model mixes '
                             f'{names}')
        values = [float(mix.get(name, 0.0)) for name in names]
    else:
        values = [float(v) for v in (mix.tolist() if isinstance(mix, torch.Tensor) else mix)]
        if len(values) != len(names):
            raise ValueError(f'a mix of {len(values)} entries {values} for a model with '
                             f'{len(names)} terms {names}')
    for name, value in zip(names, values):
        if not math.isfinite(value):
            raise ValueError(f'mix entry {name}={value} is not a finite number')
        if value < 0 and not allow_extrapolation:
            raise ValueError(f'negative mix entry {name}={value}: negative entries are '
                             'extrapolation; pass allow_extrapolation=True '
                             '(--allow-extrapolation) to use them')
    return torch.tensor(values, dtype=torch.float32)


def default_mixes(names: Sequence[str], extrapolate: float = 1.5) -> List[Dict[str, float]]:
    """Each term alone, every pair half and half, the uniform mix, and each term but the
    first at ``extrapolate`` (the grid of ``tools/sgn_mix.py --grid``)."""
    names = list(names)
    mixes = [{name: 1.0} for name in names]
    mixes += [{a: 0.5, b: 0.5} for i, a in enumerate(names) for b in names[i + 1:]]
    if len(names) > 2:
        mixes.append({name: 1.0 / len(names) for name in names})
    if extrapolate:
        mixes += [{name: float(extrapolate)} for name in names[1:]]
    return mixes


def mix_label(s: torch.Tensor, names: Sequence[str]) -> List[str]:
    """``s`` -> one ``name .30`` line per non-zero entry."""
    return [f'{name} {float(v):.2f}'.replace(' 0.', ' .') for name, v in zip(names, s)
            if abs(float(v)) > 1e-6] or ['all 0']


def read_image(image: Union[str, np.ndarray], size: Optional[int] = None) -> np.ndarray:
    """A path or an (H, W, 3) uint8 RGB array -> RGB array, the shorter side resized to
    ``size`` (area interpolation) when given, cropped to a multiple of 4 (the generator
    downsamples twice)."""
    img = read_rgb_image(image)
    if size is not None:
        scale = size / min(img.shape[:2])
        img = cv2.resize(np.ascontiguousarray(img), (max(4, round(img.shape[1] * scale)),
                                                     max(4, round(img.shape[0] * scale))),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    h, w = img.shape[0] // 4 * 4, img.shape[1] // 4 * 4
    return np.ascontiguousarray(img[:h, :w])


def center_square(img: np.ndarray) -> np.ndarray:
    """The central square of an image, its side a multiple of 4."""
    side = min(img.shape[:2]) // 4 * 4
    y, x = (img.shape[0] - side) // 2, (img.shape[1] - side) // 2
    return img[y:y + side, x:x + side]


@torch.no_grad()
def translate(generator: nn.Module, image: np.ndarray, s: torch.Tensor) -> np.ndarray:
    """RGB uint8 (H, W, 3) -> ``G(x, s)`` as RGB uint8, with SGN's [-1, 1] scaling."""
    param = next(generator.parameters())
    x = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None]
    x = x.to(param.device, param.dtype) / 127.5 - 1
    out = generator(x, s.to(param.device, param.dtype)[None])
    out = ((out[0].clamp(-1, 1) + 1) * 127.5).round().byte()
    return out.permute(1, 2, 0).cpu().numpy()


def _label(tile: np.ndarray, lines: Sequence[str]) -> np.ndarray:
    tile = np.ascontiguousarray(tile)
    scale = max(0.3, min(0.45, tile.shape[1] / 300))
    for i, line in enumerate(lines):
        org = (3, 12 + i * int(30 * scale))
        cv2.putText(tile, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3)
        cv2.putText(tile, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1)
    return tile


def tile_grid(rows: Sequence[Sequence[np.ndarray]],
              labels: Optional[Sequence[Sequence[str]]] = None, gap: int = 4) -> np.ndarray:
    """Rows of equally sized RGB tiles -> one RGB image, white gaps; ``labels[j]`` (lines)
    is written on the tiles of column ``j``."""
    height, width = rows[0][0].shape[:2]
    cols = max(len(r) for r in rows)
    grid = np.full((len(rows) * (height + gap) - gap, cols * (width + gap) - gap, 3), 255,
                   np.uint8)
    for i, row in enumerate(rows):
        for j, tile in enumerate(row):
            if labels is not None and labels[j]:
                tile = _label(tile, labels[j])
            y, x = i * (height + gap), j * (width + gap)
            grid[y:y + height, x:x + width] = tile
    return grid


def mix_grid(generator: nn.Module, images: Sequence[np.ndarray], syms: Sequence[torch.Tensor],
             names: Sequence[str]) -> np.ndarray:
    """One row per RGB image: its central square, then ``G(x, s)`` for each ``s``; columns
    labelled with the mixes. Later images are resized to the first one's square."""
    rows = []
    for image in images:
        img = center_square(image)
        if rows and img.shape != rows[0][0].shape:
            img = cv2.resize(img, rows[0][0].shape[1::-1], interpolation=cv2.INTER_AREA)
        rows.append([img] + [translate(generator, img, s) for s in syms])
    return tile_grid(rows, [['input']] + [mix_label(s, names) for s in syms])


def simplex_sweep(generator: nn.Module, image: np.ndarray, step: float = 0.25) -> np.ndarray:
    """A three-term model's simplex for one image: row ``r`` gives the second term the
    weight ``r * step``, column ``c`` the third term ``c * step``, the first term the rest
    (top left: the first term alone; top right: the third; bottom left: the second); cells
    outside the simplex are white. RGB uint8 out."""
    if generator.num_terms != 3:
        raise ValueError(f'a simplex sweep needs a model of 3 terms, this one has '
                         f'{generator.num_terms}')
    steps = round(1 / step)
    if steps < 1 or abs(steps * step - 1) > 1e-6:
        raise ValueError(f'step must divide 1 (e.g. 0.25), got {step}')
    img = center_square(image)
    rows = []
    for r in range(steps + 1):
        row = []
        for c in range(steps + 1):
            s = torch.tensor([steps - r - c, r, c], dtype=torch.float32) / steps
            row.append(translate(generator, img, s) if r + c <= steps
                       else np.full_like(img, 255))
        rows.append(row)
    return tile_grid(rows)


class SGNMixer:
    """A trained SGN's generator, ready to translate images into mixes.

    Only the generator is built (no discriminators, no VGG, no style image); its weights are
    the ``generator.*`` entries of a training checkpoint (or a bare generator state dict),
    loaded with mmengine's loader, i.e. weights-only with mmkd_ext's allow-list.

    Args:
        config (str | Config): The SGN training config.
        checkpoint (str, optional): Checkpoint path. None keeps random weights (tests).
        device (str): Defaults to ``'cpu'``.

    Example:
        >>> mixer = SGNMixer('configs/sgn/....py', 'work_dirs/.../iter_3000.pth')
        >>> out = mixer.mix('photo.jpg', 'vangogh=0.3,ukiyoe=0.2,photo=0.5')  # RGB uint8
        >>> grid = mixer.grid('photo.jpg')  # default_mixes, extrapolation included
    """

    def __init__(self, config: Union[str, Config], checkpoint: Optional[str] = None,
                 device: str = 'cpu'):
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        model = cfg.get('model') or {}
        if 'generator' not in model or 'terms' not in model:
            raise ValueError(f'{config}: not an SGN config (model.generator and model.terms '
                             'are needed)')
        self.source_domain = model['source_domain']
        self.names = [t.name for t in parse_terms(model['terms'], self.source_domain)]
        init_default_scope(cfg.get('default_scope', 'mmkd_ext'))
        gen_cfg = dict(model['generator'], num_terms=len(self.names))
        self.generator = MODELS.build(gen_cfg)
        if checkpoint is not None:
            self.load(checkpoint)
        self.generator.to(device).eval()

    def load(self, checkpoint: str) -> None:
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint!r} does not exist')
        ckpt = _load_checkpoint(checkpoint, map_location='cpu')
        state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
        state = {k[len('module.'):] if k.startswith('module.') else k: v
                 for k, v in state.items()}
        gen = {k[len('generator.'):]: v for k, v in state.items()
               if k.startswith('generator.')} or state
        try:
            load_state_dict(self.generator, gen, strict=True)
        except RuntimeError as error:
            raise ValueError(f'checkpoint {checkpoint!r} does not hold the generator of this '
                             f'config ({len(self.names)} terms {self.names}): {error}') from None

    def s(self, mix: MixType, allow_extrapolation: bool = False) -> torch.Tensor:
        """:func:`parse_mix` with this model's term names."""
        return parse_mix(mix, self.names, allow_extrapolation)

    def mix(self, image: Union[str, np.ndarray], mix: MixType,
            allow_extrapolation: bool = False, size: Optional[int] = None) -> np.ndarray:
        """Translate one image (path or RGB array) into ``mix``; RGB uint8 out."""
        s = self.s(mix, allow_extrapolation)
        return translate(self.generator, read_image(image, size), s)

    def grid(self, images: Union[str, np.ndarray, Sequence[Union[str, np.ndarray]]],
             mixes: Optional[Sequence[MixType]] = None, allow_extrapolation: bool = False,
             size: Optional[int] = 128) -> np.ndarray:
        """One row per image: its central square (shorter side resized to ``size``), then
        its translation under each mix (default: :func:`default_mixes`), labelled; RGB
        uint8 out."""
        if isinstance(images, (str, np.ndarray)):
            images = [images]
        syms = [self.s(m, allow_extrapolation) for m in (mixes or default_mixes(self.names))]
        return mix_grid(self.generator, [read_image(i, size) for i in images], syms,
                        self.names)

    def sweep(self, image: Union[str, np.ndarray], step: float = 0.25,
              size: Optional[int] = 128) -> np.ndarray:
        """:func:`simplex_sweep` of one image (a model of three terms)."""
        return simplex_sweep(self.generator, read_image(image, size), step)
