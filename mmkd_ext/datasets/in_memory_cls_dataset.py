"""A classification data set decoded once into one uint8 tensor, fetched and augmented by batch."""
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmpretrain.structures import DataSample
from torch.utils.data import Dataset

from mmkd_ext.registry import DATASETS
from .batch_crop_flip import crop_flip, draw_crop_flip

__all__ = ['InMemoryClsDataset']

CROP_KEYS = ('crop_size', 'padding', 'pad_val')
FLIP_KEYS = ('prob', 'direction')
STREAMING_HINT = (
    'or use the streaming path: the wrapped data set itself as the dataloader\'s dataset, '
    'with the per-sample pipeline (e.g. `_base_ = ../_base_/datasets/fashion_mnist.py` '
    'instead of `fashion_mnist_inmem.py`)')


def _gib(num: int) -> str:
    return f'{num / 2**30:.2f} GiB'


@DATASETS.register_module()
class InMemoryClsDataset(Dataset):
    """An upstream classification data set held in memory as one ``(N, C, H, W)`` uint8
    tensor plus labels, served a batch at a time with the batch cropped and flipped at once.

    The wrapped data set is built once with a decode-only pipeline (none for mmpretrain's
    MNIST / FashionMNIST / CIFAR, which hold decoded arrays), every sample's ``img`` (H, W) or
    (H, W, C) and ``gt_label`` are copied into two tensors, and the wrapped set is dropped.
    torch's DataLoader then asks for a whole batch through ``__getitems__``: one index, one
    crop-and-flip gather, and per sample an ``inputs`` view plus a ``DataSample`` holding
    ``gt_label``, the format of mmpretrain's ``PackInputs``. With
    ``collate_fn=dict(type='default_collate')`` the loader hands the data preprocessor one
    stacked ``(N, C, H, W)`` tensor, which mmpretrain's ``ClsDataPreprocessor`` normalises as
    a whole (a 3-entry mean/std broadcasts gray images to 3 channels, as in the per-sample
    path); ``pseudo_collate`` works too, per sample.

    ``random_crop`` / ``random_flip`` take the arguments of mmpretrain's ``RandomCrop`` /
    ``RandomFlip`` and draw the same numbers in the same order (numpy's global generator,
    which mmengine seeds per process and per worker), so with the same seed, sampler and
    ``num_workers`` the batches equal the per-sample pipeline's, pixel for pixel; seeding,
    the samplers (DDP's included) and ``--resume`` (the loader is replayed) behave as there.

    Args:
        dataset (dict | Dataset): The upstream data set (config or object), whose items are
            dicts with an ``img`` uint8 array of one shape for all and an int ``gt_label``.
        random_crop (dict, optional): ``crop_size`` (int or (h, w)), ``padding`` (int, every
            border, constant) and ``pad_val`` (int). Defaults to None (no crop).
        random_flip (dict, optional): ``prob`` and ``direction`` (only ``'horizontal'``).
            Defaults to None (no flip).
        max_bytes (int): The most memory the images may take. Defaults to 2 GiB.

    Note:
        Data samples carry ``gt_label`` only (``PackInputs`` also adds ``sample_idx`` and
        the flip / shape metainfo, which no classifier, loss or accuracy metric reads).
    """

    def __init__(self,
                 dataset: Union[dict, Dataset],
                 random_crop: Optional[dict] = None,
                 random_flip: Optional[dict] = None,
                 max_bytes: int = 2 * 2**30):
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise ValueError(f'max_bytes must be a positive int (bytes), got {max_bytes!r}')
        self.max_bytes = max_bytes
        self._check_keys('random_crop', random_crop, CROP_KEYS)
        self._check_keys('random_flip', random_flip, FLIP_KEYS)
        upstream = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self._metainfo = dict(getattr(upstream, 'metainfo', {}))
        self.images, self.labels = self._load(upstream)
        self._set_crop(random_crop)
        self._set_flip(random_flip)

    @staticmethod
    def _check_keys(name: str, cfg: Optional[dict], allowed: Sequence[str]) -> None:
        if cfg is None:
            return
        if not isinstance(cfg, dict):
            raise TypeError(f'{name} must be a dict or None, got {type(cfg).__name__}')
        unknown = sorted(set(cfg) - set(allowed))
        if unknown:
            raise ValueError(f'{name}: unknown keys {unknown}; allowed: {list(allowed)}')

    def _load(self, upstream) -> tuple:
        num = len(upstream)
        if num == 0:
            raise ValueError('InMemoryClsDataset: the wrapped data set is empty')
        first, label = self._item(upstream, 0)
        need = num * first.nbytes
        if need > self.max_bytes:
            raise ValueError(
                f'InMemoryClsDataset: {num} images of shape {tuple(first.shape)} need {need} '
                f'bytes ({_gib(need)}), more than max_bytes={self.max_bytes} '
                f'({_gib(self.max_bytes)}); raise max_bytes if the machine has the memory, '
                + STREAMING_HINT)
        images = np.empty((num, ) + first.shape, dtype=np.uint8)
        labels = np.empty(num, dtype=np.int64)
        images[0], labels[0] = first, label
        for i in range(1, num):
            img, labels[i] = self._item(upstream, i)
            if img.shape != first.shape:
                raise ValueError(f'InMemoryClsDataset: image {i} has shape {img.shape}, image '
                                 f'0 {first.shape}; all images must have one shape')
            images[i] = img
        return torch.from_numpy(images), torch.from_numpy(labels)

    @staticmethod
    def _item(upstream, index: int) -> tuple:
        """Image ``index`` as a (C, H, W) uint8 array (``PackInputs``' layout) and its label."""
        item = upstream[index]
        if not isinstance(item, dict) or 'img' not in item or 'gt_label' not in item:
            keys = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise ValueError(
                'InMemoryClsDataset: the wrapped data set must give dicts with `img` and '
                f'`gt_label` (a decode-only pipeline, no PackInputs), got {keys}')
        img, label = item['img'], np.asarray(item['gt_label'])
        if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim not in (2, 3):
            raise ValueError('InMemoryClsDataset: `img` must be a uint8 (H, W) or (H, W, C) '
                             f'array, got {getattr(img, "dtype", type(img))} '
                             f'{getattr(img, "shape", "")}')
        if label.size != 1 or not np.issubdtype(label.dtype, np.integer):
            raise ValueError(f'InMemoryClsDataset: `gt_label` must be one int, got {label!r}')
        return (img[None] if img.ndim == 2 else img.transpose(2, 0, 1)), int(label)

    def _set_crop(self, cfg: Optional[dict]) -> None:
        height, width = self.images.shape[-2:]
        self.crop_size, self.padding, self.pad_val = (height, width), 0, 0
        self.spans = (0, 0)
        if cfg is None:
            return
        size = cfg.get('crop_size', (height, width))
        size = (size, size) if isinstance(size, int) else tuple(size)
        padding, pad_val = cfg.get('padding', 0), cfg.get('pad_val', 0)
        if padding is None:
            padding = 0
        if not isinstance(padding, int) or padding < 0:
            raise ValueError(f'random_crop.padding must be an int >= 0 (every border), got '
                             f'{padding!r}')
        if not isinstance(pad_val, int) or not 0 <= pad_val <= 255:
            raise ValueError(f'random_crop.pad_val must be an int in [0, 255], got {pad_val!r}')
        spans = (height + 2 * padding - size[0], width + 2 * padding - size[1])
        if len(size) != 2 or min(size) < 1 or min(spans) < 0:
            raise ValueError(f'random_crop.crop_size must be 1 or 2 ints, at most the padded '
                             f'image ({height + 2 * padding}, {width + 2 * padding}), got '
                             f'{cfg.get("crop_size")!r}')
        self.crop_size, self.padding, self.pad_val, self.spans = size, padding, pad_val, spans

    def _set_flip(self, cfg: Optional[dict]) -> None:
        self.flip_prob = None
        if cfg is None:
            return
        prob, direction = cfg.get('prob'), cfg.get('direction', 'horizontal')
        if direction != 'horizontal':
            raise ValueError(f"random_flip.direction must be 'horizontal', got {direction!r}")
        if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0 <= prob <= 1:
            raise ValueError(f'random_flip.prob must be a number in [0, 1], got {prob!r}')
        self.flip_prob = float(prob)

    @property
    def metainfo(self) -> dict:
        """The wrapped data set's metainfo (``classes``), for the evaluator."""
        return dict(self._metainfo)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> dict:
        return self.__getitems__([index])[0]

    def __getitems__(self, indices: List[int]) -> List[dict]:
        """A batch as ``PackInputs`` would give it: ``inputs`` (C, H, W) uint8 views of one
        augmented batch tensor and ``data_samples``."""
        index = torch.as_tensor(indices, dtype=torch.long)
        images, labels = self.images[index], self.labels[index]
        if self.spans != (0, 0) or self.flip_prob is not None:
            offset_h, offset_w, flip = draw_crop_flip(len(index), *self.spans, self.flip_prob)
            images = crop_flip(images, torch.from_numpy(offset_h), torch.from_numpy(offset_w),
                               torch.from_numpy(flip), self.crop_size, self.padding,
                               self.pad_val)
        batch = []
        for image, label in zip(images.unbind(0), labels[:, None].unbind(0)):
            sample = DataSample()
            sample.set_field(label, 'gt_label', dtype=torch.Tensor)
            batch.append(dict(inputs=image, data_samples=sample))
        return batch
