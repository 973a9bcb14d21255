"""Random crop (with padding) and horizontal flip of a whole uint8 batch in one gather.

The draws follow mmpretrain's ``RandomCrop`` and mmcv's ``RandomFlip`` (the transforms of the
per-sample pipeline) number for number: per sample, ``offset_h``, ``offset_w`` and then the
flip's uniform draw, all from numpy's global generator. A batch of samples therefore gets the
same crops and flips as the per-sample pipeline run on the same samples in the same order,
from the same numpy state (mmengine seeds it per process and per data-loader worker).
"""
from typing import Optional, Tuple

import numpy as np
import torch

__all__ = ['draw_crop_flip', 'crop_flip']


def draw_crop_flip(num: int, span_h: int, span_w: int,
                   flip_prob: Optional[float]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Crop offsets and flip flags of ``num`` samples, drawn as the per-sample transforms do.

    Args:
        num (int): Number of samples.
        span_h (int): Padded height minus crop height; offsets are drawn in ``[0, span_h]``.
            0 draws nothing (``RandomCrop`` returns early when the sizes match).
        span_w (int): The same for the width.
        flip_prob (float, optional): Probability of a horizontal flip; None draws no flips
            (no ``RandomFlip`` in the pipeline).

    Returns:
        tuple: ``offset_h``, ``offset_w`` (int64, shape ``(num, )``) and ``flip`` (bool).
    """
    offset_h = np.zeros(num, dtype=np.int64)
    offset_w = np.zeros(num, dtype=np.int64)
    flip = np.zeros(num, dtype=bool)
    crop = span_h > 0 or span_w > 0
    if flip_prob is not None:
        # mmcv's RandomFlip: np.random.choice([direction, None], p=[prob, 1 - prob]), i.e. one
        # uniform draw compared with the normalised cumulative probability of `direction`
        cdf = np.cumsum([flip_prob, 1. - flip_prob])
        threshold = (cdf / cdf[-1])[0]
    randint, uniform = np.random.randint, np.random.random_sample
    for i in range(num):
        if crop:
            offset_h[i] = randint(0, span_h + 1)
            offset_w[i] = randint(0, span_w + 1)
        if flip_prob is not None:
            flip[i] = uniform() < threshold
    return offset_h, offset_w, flip


def crop_flip(images: torch.Tensor, offset_h: torch.Tensor, offset_w: torch.Tensor,
              flip: torch.Tensor, crop_size: Tuple[int, int], padding: int = 0,
              pad_val: int = 0) -> torch.Tensor:
    """Pad every image by ``padding`` (constant ``pad_val``), crop ``crop_size`` at the given
    offsets and mirror the flagged crops left-right, in one gather.

    Args:
        images (Tensor): ``(N, C, H, W)``, any dtype (uint8 in the data path).
        offset_h (Tensor): ``(N, )`` top rows of the crops in the padded images.
        offset_w (Tensor): ``(N, )`` left columns.
        flip (Tensor): ``(N, )`` bool, mirror this crop.
        crop_size (tuple): ``(crop_h, crop_w)``.
        padding (int): Pixels added on each border before cropping. Defaults to 0.
        pad_val (int): Value of the added pixels. Defaults to 0.

    Returns:
        Tensor: ``(N, C, crop_h, crop_w)``, the dtype of ``images``.
    """
    n, c = images.shape[:2]
    crop_h, crop_w = crop_size
    if padding:
        images = torch.nn.functional.pad(images, (padding, ) * 4, value=pad_val)
    width = images.shape[-1]
    rows = offset_h[:, None] + torch.arange(crop_h)
    cols = torch.arange(crop_w)
    cols = offset_w[:, None] + torch.where(flip[:, None], crop_w - 1 - cols, cols)
    flat = (rows[:, :, None] * width + cols[:, None, :]).reshape(n, 1, -1).expand(n, c, -1)
    return images.reshape(n, c, -1).gather(2, flat).reshape(n, c, crop_h, crop_w)
