"""Perceptual style transfer loss (VGG16 content + Gram style) against one style image."""
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import cv2
import numpy as np
import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn
from torchvision.models.vgg import cfgs, make_layers

from mmkd_ext.registry import MODELS

__all__ = [
    'gram_matrix', 'content_loss', 'style_loss', 'PerceptualStyleLoss', 'VGG16_LAYERS',
    'read_rgb_image'
]

#: ReLU outputs of torchvision's ``vgg16().features`` by name -> index.
VGG16_LAYERS = {'relu1_2': 3, 'relu2_2': 8, 'relu3_3': 15, 'relu4_3': 22}
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def gram_matrix(feat: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, C) Gram matrices, divided by ``C * H * W``."""
    n, c, h, w = feat.shape
    flat = feat.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def content_loss(fake_feat: torch.Tensor, source_feat: torch.Tensor) -> torch.Tensor:
    """Per-sample mean squared feature difference, (N, C, H, W) x2 -> (N, )."""
    return (fake_feat - source_feat).pow(2).flatten(1).mean(1)


def style_loss(fake_feats: Sequence[torch.Tensor], style_grams: Sequence[torch.Tensor],
               weights: Sequence[float]) -> torch.Tensor:
    """Per-sample ``sum_l w_l * mean (G(fake_l) - G_style_l)^2`` -> (N, ).

    Args:
        fake_feats (Sequence[Tensor]): (N, C_l, H_l, W_l) per layer.
        style_grams (Sequence[Tensor]): (C_l, C_l) or (1, C_l, C_l) per layer.
        weights (Sequence[float]): One per layer.
    """
    total = 0
    for feat, target, weight in zip(fake_feats, style_grams, weights):
        total = total + weight * (gram_matrix(feat) - target).pow(2).flatten(1).mean(1)
    return total


def read_rgb_image(image: Union[str, np.ndarray], what: str = 'image') -> np.ndarray:
    """A path (any format OpenCV reads) or an (H, W, 3) uint8 RGB array -> RGB array;
    errors name the file and call it ``what``."""
    if isinstance(image, np.ndarray):
        img = image
    elif isinstance(image, str):
        if not osp.isfile(image):
            raise FileNotFoundError(f'{what} {image!r} does not exist')
        img = cv2.imread(image, cv2.IMREAD_COLOR)
        if img is None:
            raise ValueError(f'cannot read {what} {image!r}: not an image OpenCV decodes '
                             '(png, jpg, webp, bmp, tif...) or a truncated file')
        img = img[..., ::-1]
    else:
        raise TypeError(f'{what} must be a path or an RGB uint8 array, got '
                        f'{type(image).__name__}')
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise ValueError(f'{what} must be (H, W, 3) uint8 RGB, got {img.shape} {img.dtype}')
    return np.ascontiguousarray(img)


def load_vgg16_features(features: nn.Sequential, checkpoint: str) -> None:
    """Load torchvision VGG16 weights (``features.*``, or the bare ``features`` keys) from
    ``checkpoint`` through mmengine's weights-only loader, naming what is wrong if the
    keys do not fit."""
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(
            f'VGG16 checkpoint {checkpoint!r} does not exist: save torchvision\'s ImageNet '
            'VGG16 there, e.g. torch.save(torchvision.models.vgg16(weights="IMAGENET1K_V1")'
            '.state_dict(), PATH) on a machine that can download it')
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
    state = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}
    if any(k.startswith('features.') for k in state):
        state = {k[len('features.'):]: v for k, v in state.items() if k.startswith('features.')}
    expected = features.state_dict()
    missing = sorted(set(expected) - set(state))
    shapes = [f'{k}: {tuple(state[k].shape)} vs {tuple(v.shape)}' for k, v in expected.items()
              if k in state and tuple(state[k].shape) != tuple(v.shape)]
    if missing or shapes:
        have = sorted(state)[:6]
        raise ValueError(
            f'VGG16 checkpoint {checkpoint!r} does not hold torchvision VGG16 weights: '
            + (f'missing keys {missing[:6]}{" ..." if len(missing) > 6 else ""}; '
               if missing else '') + (f'shape mismatch {shapes[:3]}; ' if shapes else '')
            + f'it has {have}{" ..." if len(state) > 6 else ""}. Expected a '
            "torchvision vgg16 state_dict ('features.0.weight', ... 'features.21.bias'), "
            'e.g. torch.save(torchvision.models.vgg16(weights="IMAGENET1K_V1").state_dict(), '
            'PATH)')
    features.load_state_dict({k: state[k] for k in expected}, strict=True)


@MODELS.register_module()
class PerceptualStyleLoss(nn.Module):
    """Perceptual style transfer of "Perceptual Losses for Real-Time Style Transfer and
    Super-Resolution" (Johnson et al., ECCV 2016, arXiv 1603.08155), the style term of SGN
    (arXiv 1811.12362): VGG16 content loss between the translation and its source at
    ``content_layer`` and Gram-matrix style loss against one style image at
    ``style_layers``, per sample.

    Note:
        Gram matrices are divided by ``C * H * W`` and both terms are mean squared errors;
        the paper's weights (content 1e-3 at relu2_2, style 1e1/1e2/1e3/5e2 at
        relu1_2..relu4_3) are the defaults, not re-tuned for this normalisation.

    Args:
        style_image (str | ndarray): Path of the style image, or an (H, W, 3) uint8 RGB
            array.
        vgg_checkpoint (str, optional): torchvision VGG16 weights (no download here).
            None keeps a random VGG: only for tests; a warning says so.
        content_layer (str): Defaults to ``'relu2_2'``.
        content_weight (float): Defaults to 1e-3.
        style_layers (Sequence[str]): Defaults to relu1_2, relu2_2, relu3_3, relu4_3.
        style_weights (Sequence[float]): Defaults to (1e1, 1e2, 1e3, 5e2).
        style_size (int, optional): Resize the style image so its shorter side has this
            length. Defaults to None (as read).
    """

    def __init__(self,
                 style_image: Union[str, np.ndarray],
                 vgg_checkpoint: Optional[str] = None,
                 content_layer: str = 'relu2_2',
                 content_weight: float = 1e-3,
                 style_layers: Sequence[str] = ('relu1_2', 'relu2_2', 'relu3_3', 'relu4_3'),
                 style_weights: Sequence[float] = (1e1, 1e2, 1e3, 5e2),
                 style_size: Optional[int] = None):
        super().__init__()
        for layer in [content_layer, *style_layers]:
            if layer not in VGG16_LAYERS:
                raise ValueError(f'unknown VGG16 layer {layer!r}; choose from '
                                 f'{list(VGG16_LAYERS)}')
        if len(style_layers) != len(style_weights) or not style_layers:
            raise ValueError(f'style_layers {list(style_layers)} and style_weights '
                             f'{list(style_weights)} must be non-empty and of equal length')
        self.content_layer, self.style_layers = content_layer, tuple(style_layers)
        self.content_weight = float(content_weight)
        self.style_weights = tuple(float(w) for w in style_weights)
        last = max(VGG16_LAYERS[name] for name in [content_layer, *style_layers])
        self.vgg = make_layers(cfgs['D'])[:last + 1]  # torchvision's vgg16().features
        if vgg_checkpoint is None:
            print_log('PerceptualStyleLoss: no vgg_checkpoint, the VGG16 is random (the '
                      'style term then means nothing; give torchvision VGG16 weights)',
                      logger='current', level=30)
        else:
            load_vgg16_features(self.vgg, vgg_checkpoint)
        self.vgg.eval().requires_grad_(False)
        self.register_buffer('mean', torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), False)
        self.register_buffer('std', torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), False)
        img = read_rgb_image(style_image, 'style image')
        if style_size is not None:
            scale = style_size / min(img.shape[:2])
            img = cv2.resize(img, (round(img.shape[1] * scale), round(img.shape[0] * scale)),
                             interpolation=cv2.INTER_AREA)
        style = torch.from_numpy(img.copy()).permute(2, 0, 1)[None].float() / 127.5 - 1
        with torch.no_grad():
            feats = self.features(style)
        for name in self.style_layers:
            self.register_buffer(f'gram_{name}', gram_matrix(feats[name]), False)

    def train(self, mode: bool = True):
        super().train(mode)
        self.vgg.eval()  # frozen feature extractor
        return self

    def features(self, img: torch.Tensor) -> Dict[str, torch.Tensor]:
        """RGB (N, 3, H, W) in [-1, 1] -> the named VGG16 ReLU outputs."""
        x = ((img + 1) / 2 - self.mean) / self.std
        wanted = {VGG16_LAYERS[n]: n for n in (self.content_layer, *self.style_layers)}
        out = {}
        for index, layer in enumerate(self.vgg):
            x = layer(x)
            if index in wanted:
                out[wanted[index]] = x
        return out

    def forward(self, fake: torch.Tensor, source: torch.Tensor) -> Dict[str, torch.Tensor]:
        """RGB (N, 3, H, W) translations and their sources in [-1, 1] -> per-sample
        weighted ``{'content': (N, ), 'style': (N, )}``."""
        fake_feats = self.features(fake)
        with torch.no_grad():
            source_feat = self.features(source)[self.content_layer]
        grams = [getattr(self, f'gram_{name}') for name in self.style_layers]
        return {
            'content': self.content_weight * content_loss(fake_feats[self.content_layer],
                                                          source_feat),
            'style': style_loss([fake_feats[n] for n in self.style_layers], grams,
                                self.style_weights),
        }

    def extra_repr(self) -> str:
        return (f'content={self.content_layer}x{self.content_weight}, '
                f'style={dict(zip(self.style_layers, self.style_weights))}')
