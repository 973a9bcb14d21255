"""Super-resolve images with a trained SR model: a plain mmagic editor such as a student
taken out of a distillation run by ``tools/model_converters/extract_student.py``.

mmagic 1.2.0's own ``ImageSuperResolutionInferencer`` would serve for small images, but
``import mmagic.apis`` needs ``controlnet_aux`` (its ControlNet animation inferencer), which
the verified stack does not install, and it runs the whole image at once. Here the model is
built from its config and run tile by tile, so that memory stays bounded for large images.
"""
import os
import os.path as osp
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

from mmkd_ext.models.losses.perceptual_style_loss import read_rgb_image
from mmkd_ext.registry import MODELS

from .paths import refuse_protected_outputs

__all__ = ['SRInferencer', 'super_resolve', 'tile_spans', 'upsampler_scale', 'load_config']

EXTRACT = 'python tools/model_converters/extract_student.py'


def load_config(config: Union[str, Config]) -> Config:
    """A config file, or ``'pkg::path'`` of an installed package (e.g.
    ``'mmkd_ext::edsr/edsr_x4c16b4_1xb8-1k_sr-demo.py'``), or a loaded :class:`Config`."""
    if isinstance(config, Config):
        return config
    if '::' in config:
        from mmengine.hub import get_config
        return get_config(config)
    if not osp.isfile(config):
        raise FileNotFoundError(f'config {config!r} does not exist')
    return Config.fromfile(config)


def tile_spans(size: int, tile: int, overlap: int) -> List[Tuple[int, int, int, int]]:
    """Cut ``range(size)`` into tiles for tiled inference.

    Returns:
        list of ``(core_start, core_end, in_start, in_end)``: the cores partition
        ``range(size)`` into pieces of at most ``tile``; each input window is its core
        widened by ``overlap`` on both sides, clipped to the image. ``tile <= 0`` is one
        tile.
    """
    if tile <= 0 or tile >= size:
        return [(0, size, 0, size)]
    spans = []
    for start in range(0, size, tile):
        end = min(start + tile, size)
        spans.append((start, end, max(0, start - overlap), min(size, end + overlap)))
    return spans


def upsampler_scale(shapes: dict) -> Optional[int]:
    """The upscaling factor that the pixel-shuffle convolutions of an mmagic upsampler
    (``UpsampleModule`` / ``PixelShufflePack``: ``*.upsample_conv.weight``, C -> r^2 C per
    stage) give, from ``{key: shape}``; None without such convolutions."""
    scale = None
    for key, shape in shapes.items():
        if key.endswith('upsample_conv.weight') and len(shape) == 4 and shape[1] > 0:
            ratio = shape[0] / shape[1]
            r = int(round(ratio ** 0.5))
            if r * r * shape[1] == shape[0]:
                scale = (scale or 1) * r
    return scale


def _describe_keys(keys: Iterable[str], limit: int = 4) -> str:
    keys = sorted(keys)
    return ', '.join(keys[:limit]) + (f' and {len(keys) - limit} more' if len(keys) > limit
                                      else '')


class SRInferencer:
    """Build an SR model from its config, load a checkpoint, super-resolve images in tiles.

    Args:
        config (str | Config): The model's config file, ``'mmkd_ext::...'`` /
            ``'mmagic::...'``, or a loaded config. A distillation config works too: its
            ``model.student`` is built.
        checkpoint (str): A checkpoint of that model (``generator.*`` keys), e.g. the output
            of ``tools/model_converters/extract_student.py``.
        device (str): Defaults to ``'cpu'``.
        tile (int): Tile size in input (LR) pixels; 0 runs the whole image at once.
            Defaults to 256: the activations then stay below (tile + 2 * overlap)^2 times
            the widest layer, whatever the image size.
        tile_overlap (int): Input pixels each tile sees beyond its core on every side;
            the core alone is kept. With an overlap at least the network's receptive-field
            radius (in LR pixels) the result equals the untiled one. Defaults to 32.

    Raises:
        ValueError: the checkpoint still holds a distillation run (extract the student
            first), is made for another scale than the config, or does not fit the
            config's architecture; a negative ``tile`` / ``tile_overlap``; a model without
            a generator.
        FileNotFoundError: a missing config or checkpoint.
    """

    def __init__(self, config: Union[str, Config], checkpoint: str, device: str = 'cpu',
                 tile: int = 256, tile_overlap: int = 32):
        for name, value in (('tile', tile), ('tile_overlap', tile_overlap)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f'{name} must be an int >= 0 (tile 0: the whole image at '
                                 f'once), got {value!r}')
        self.tile, self.tile_overlap = tile, tile_overlap
        self.cfg = load_config(config)
        model_cfg = self.cfg.model
        if 'student' in model_cfg:  # a distillation config: the student is the SR model
            model_cfg = model_cfg.student
        with DefaultScope.overwrite_default_scope(self.cfg.get('default_scope', 'mmkd_ext')):
            self.model: nn.Module = MODELS.build(model_cfg)
        if not isinstance(getattr(self.model, 'generator', None), nn.Module):
            raise ValueError(f'{type(self.model).__name__} has no generator: not an SR model '
                             '(an mmagic BaseEditModel such as EDSR or RCAN)')
        shapes = {k: tuple(v.shape) for k, v in self.model.state_dict().items()}
        #: The upscaling factor of the config's model.
        self.scale = upsampler_scale(shapes) or int(
            getattr(self.model.generator, 'upscale_factor', 1))
        self._load(checkpoint)
        self.model.to(device).eval()
        self.device = torch.device(device)

    def _load(self, checkpoint: str) -> None:
        if '://' not in checkpoint and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint!r} does not exist')
        ckpt = _load_checkpoint(checkpoint, map_location='cpu', logger='silent')
        state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
        if not isinstance(state, dict) or not state:
            raise ValueError(f'{checkpoint} holds no state_dict')
        own = {k: tuple(v.shape) for k, v in self.model.state_dict().items()}
        theirs = {k: tuple(v.shape) for k, v in state.items() if hasattr(v, 'shape')}
        own_top = {k.split('.')[0] for k in own}
        their_top = {k.split('.')[0] for k in theirs}
        if 'student' in their_top and 'student' not in own_top:
            raise ValueError(
                f'{checkpoint} holds a distillation run ({", ".join(sorted(their_top))}), '
                'not the student alone: extract the student first:\n'
                f'  {EXTRACT} {checkpoint} student.pth\n'
                'and pass student.pth with the student\'s own config')
        networks = sorted(t for t in their_top if t[:3] == 'net' and t[3:].isdigit())
        if networks and not own_top & set(networks):
            raise ValueError(
                f'{checkpoint} holds an online distillation run ({", ".join(networks)}): '
                f'extract one network first:\n  {EXTRACT} {checkpoint} net0.pth --net 0')
        own_scale, their_scale = upsampler_scale(own), upsampler_scale(theirs)
        if own_scale and their_scale and own_scale != their_scale:
            raise ValueError(
                f'{checkpoint} is a x{their_scale} model (its upsampler), the config builds '
                f'a x{own_scale} one: use the x{their_scale} config of the same network '
                f'(e.g. upscale_factor={their_scale})')
        missing = set(own) - set(theirs)
        unexpected = set(theirs) - set(own)
        wrong = {k for k in set(own) & set(theirs) if own[k] != theirs[k]}
        if missing or unexpected or wrong:
            parts = [f'{label}: {_describe_keys(keys)}' for label, keys in (
                ('missing', missing), ('unexpected', unexpected),
                ('other shapes', [f'{k} {theirs[k]} (config {own[k]})' for k in wrong]))
                if keys]
            raise ValueError(f'{checkpoint} does not fit the config\'s '
                             f'{type(self.model.generator).__name__} (other channels or '
                             f'blocks?); {"; ".join(parts)}')
        self.model.load_state_dict(state, strict=True)

    @torch.no_grad()
    def _forward(self, lr: np.ndarray) -> torch.Tensor:
        """(h, w, 3) uint8 RGB -> (3, s*h, s*w) float in [0, 255] (mmagic's destruct)."""
        preprocessor = self.model.data_preprocessor
        tensor = torch.from_numpy(np.ascontiguousarray(lr)).permute(2, 0, 1)
        data = preprocessor(dict(inputs=[tensor]), False)
        out = self.model(data['inputs'], mode='tensor')
        return preprocessor.destruct(out, data['data_samples'])[0].float().cpu()

    def predict(self, image: Union[str, np.ndarray], as_float: bool = False) -> np.ndarray:
        """Super-resolve one image (a path or an (H, W, 3) uint8 RGB array).

        Returns:
            np.ndarray: (s*H, s*W, 3) RGB, uint8 (rounded), or float32 in [0, 255] with
            ``as_float``.
        """
        lr = read_rgb_image(image)
        h, w = lr.shape[:2]
        s = self.scale
        out = np.empty((s * h, s * w, 3), np.float32 if as_float else np.uint8)
        for ys, ye, yi, yj in tile_spans(h, self.tile, self.tile_overlap):
            for xs, xe, xi, xj in tile_spans(w, self.tile, self.tile_overlap):
                sr = self._forward(lr[yi:yj, xi:xj])
                core = sr[:, s * (ys - yi):s * (ye - yi), s * (xs - xi):s * (xe - xi)]
                core = core.permute(1, 2, 0).numpy()
                out[s * ys:s * ye, s * xs:s * xe] = core if as_float else np.round(core)
        return out


def super_resolve(config: Union[str, Config], checkpoint: str, images: Sequence[str],
                  out_dir: str, device: str = 'cpu', tile: int = 256,
                  tile_overlap: int = 32, force: bool = False) -> List[str]:
    """Super-resolve ``images`` into ``out_dir/<name>.png``; returns the paths written.

    Every input is checked before the model runs: a missing or unreadable image, two
    inputs with the same name, or an output that would overwrite an input stop with an
    error that names the file; an output shipped with the package or tracked by git stops
    with ``SystemExit`` unless ``force``.
    """
    if not images:
        raise ValueError('no images given')
    outputs = [osp.join(out_dir, osp.splitext(osp.basename(p))[0] + '.png') for p in images]
    seen = {}
    for image, out in zip(images, outputs):
        read_rgb_image(image)  # unreadable images stop here, before any work
        if out in seen:
            raise ValueError(f'{seen[out]!r} and {image!r} would both be written to {out!r}')
        if osp.exists(image) and osp.abspath(out) == osp.abspath(image):
            raise ValueError(f'--out {out_dir!r} would overwrite the input {image!r}')
        seen[out] = image
    refuse_protected_outputs(outputs, force, 'sr_infer')
    inferencer = SRInferencer(config, checkpoint, device, tile, tile_overlap)
    import cv2
    os.makedirs(out_dir, exist_ok=True)
    for image, out in zip(images, outputs):
        if not cv2.imwrite(out, inferencer.predict(image)[..., ::-1]):
            raise ValueError(f'cannot write {out!r}')
    return outputs
