"""mmpretrain's MNIST-style data sets held in memory as one uint8 tensor, served by batch."""
import logging
from typing import List, Optional, Tuple

import numpy as np
import torch
from mmengine.dataset import force_full_init
from mmengine.logging import print_log
from mmpretrain.datasets import MNIST, FashionMNIST
from mmpretrain.datasets.transforms import PackInputs, RandomCrop, RandomFlip
from mmpretrain.structures import DataSample

from mmkd_ext.registry import DATASETS

from .batch_crop_flip import crop_flip, draw_crop_flip

__all__ = ['InMemoryClsDataset', 'InMemoryMNIST', 'InMemoryFashionMNIST']

STREAMING_HINT = ('raise max_bytes if the machine has the memory, or use the streaming path: '
                  'the upstream type (e.g. mmpretrain.FashionMNIST, as in '
                  'configs/_base_/datasets/fashion_mnist.py) with the same arguments, '
                  'max_bytes aside')


def _gib(num: int) -> str:
    return f'{num / 2**30:.2f} GiB'


class InMemoryClsDataset:
    """Mixin for an mmpretrain data set whose data infos hold decoded ``img`` arrays: every
    image is kept in one ``(N, C, H, W)`` uint8 tensor (``PackInputs``' layout) and the
    labels in one int64 tensor, and torch's DataLoader fetches a whole batch at once
    through ``__getitems__``.

    The config stays the upstream one, ``type`` aside: same arguments, same ``pipeline``.
    When the pipeline is ``[RandomCrop]? [RandomFlip]? PackInputs`` (mmpretrain's crop with
    an int ``padding``, a horizontal flip, the default ``input_key``), a batch is indexed,
    cropped and flipped in one gather, drawing the same numbers in the same order as the
    transforms would (numpy's global generator, which mmengine seeds per process and per
    worker): with the same seed, sampler and ``num_workers`` the batches equal the upstream
    data set's pixel for pixel, and seeding, the samplers (DDP's included) and ``--resume``
    behave as there. Any other pipeline runs sample by sample on the stored images (a
    warning says which transform stops the batch path). With
    ``collate_fn=dict(type='default_collate')`` the data preprocessor gets one stacked
    tensor (mmpretrain's ``ClsDataPreprocessor`` normalises it as a whole, a 3-entry mean
    broadcasting gray to 3 channels as per sample).

    Args:
        max_bytes (int): The most memory the images may take; more stops with an error.
            Defaults to 2 GiB.
        *args, **kwargs: The upstream data set's arguments.

    Note:
        On the batch path, the training data samples carry ``gt_label`` only (``PackInputs``
        adds ``sample_idx`` and the crop / flip metainfo, which no classifier, loss or
        metric here reads); without augmentation they also carry ``sample_idx``.
    """

    def __init__(self, *args, max_bytes: int = 2 * 2**30, **kwargs):
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise ValueError(f'max_bytes must be a positive int (bytes), got {max_bytes!r}')
        self.max_bytes = max_bytes
        self.images: Optional[torch.Tensor] = None
        self.labels: Optional[torch.Tensor] = None
        self.batch_plan: Optional[dict] = None
        super().__init__(*args, **kwargs)

    def full_init(self) -> None:
        """Load through the upstream ``load_data_list`` (and ``indices``), then keep only
        the two tensors."""
        if self._fully_initialized:
            return
        self.data_list = self.load_data_list()
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        self.images, self.labels, self._gray = self._stack(self.data_list)
        self.data_list, self.serialize_data = [], False
        self.batch_plan = self._plan()
        self._fully_initialized = True

    def _stack(self, infos: List[dict]) -> Tuple[torch.Tensor, torch.Tensor, bool]:
        name = type(self).__name__
        if not infos:
            raise ValueError(f'{name}: the data set is empty')
        first = self._image(infos[0], 0)
        need = len(infos) * first.nbytes
        if need > self.max_bytes:
            raise ValueError(
                f'{name}: {len(infos)} images of shape {first.shape} need {need} bytes '
                f'({_gib(need)}), more than max_bytes={self.max_bytes} '
                f'({_gib(self.max_bytes)}); ' + STREAMING_HINT)
        images = np.empty((len(infos), ) + first.shape, dtype=np.uint8)
        labels = np.empty(len(infos), dtype=np.int64)
        for i, info in enumerate(infos):
            img = self._image(info, i)
            if img.shape != first.shape:
                raise ValueError(f'{name}: image {i} has shape {img.shape}, image 0 '
                                 f'{first.shape}; all images must have one shape')
            images[i], labels[i] = img, int(info['gt_label'])
        return torch.from_numpy(images), torch.from_numpy(labels), infos[0]['img'].ndim == 2

    def _image(self, info: dict, index: int) -> np.ndarray:
        img = info.get('img')
        if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim not in (2, 3):
            raise ValueError(f'{type(self).__name__}: data info {index} must hold `img`, a '
                             f'uint8 (H, W) or (H, W, C) array, got '
                             f'{getattr(img, "dtype", type(img))} {getattr(img, "shape", "")}')
        return img[None] if img.ndim == 2 else img.transpose(2, 0, 1)

    def _plan(self) -> Optional[dict]:
        """What the batch path does for this pipeline, or None (sample by sample)."""
        transforms = list(getattr(self.pipeline, 'transforms', []))
        kinds = [next((k for k in (RandomCrop, RandomFlip, PackInputs) if isinstance(t, k)),
                      type(t)).__name__ for t in transforms]
        height, width = self.images.shape[-2:]
        plan = dict(crop_size=(height, width), padding=0, pad_val=0, spans=(0, 0),
                    flip_prob=None, augment=False)
        problem = None
        if not kinds or kinds[-1] != 'PackInputs' or kinds[:-1] not in (
                [], ['RandomCrop'], ['RandomFlip'], ['RandomCrop', 'RandomFlip']):
            problem = f'the pipeline {kinds} is not [RandomCrop]? [RandomFlip]? PackInputs'
        else:
            pack = transforms[-1]
            if pack.input_key != 'img' or tuple(pack.algorithm_keys):
                problem = 'PackInputs with another input_key or algorithm_keys'
            for t in transforms[:-1]:
                problem = problem or (self._plan_crop(t, plan) if isinstance(t, RandomCrop)
                                      else self._plan_flip(t, plan))
        if problem:
            print_log(f'{type(self).__name__}: {problem}, so samples go through the pipeline '
                      'one by one (from memory)', logger='current', level=logging.WARNING)
            return None
        return plan

    @staticmethod
    def _plan_crop(t, plan: dict) -> Optional[str]:
        padding = 0 if t.padding is None else t.padding
        if not isinstance(padding, int) or t.pad_if_needed or not isinstance(t.pad_val, int):
            return 'RandomCrop with a padding or pad_val other than one int, or pad_if_needed'
        height, width = plan['crop_size']
        spans = (height + 2 * padding - t.crop_size[0], width + 2 * padding - t.crop_size[1])
        if min(spans) < 0:
            return 'RandomCrop larger than the padded image'
        plan.update(crop_size=tuple(t.crop_size), padding=padding, pad_val=t.pad_val,
                    spans=spans, augment=True)

    @staticmethod
    def _plan_flip(t, plan: dict) -> Optional[str]:
        if t.direction != 'horizontal' or not isinstance(t.prob, (int, float)):
            return "RandomFlip other than direction='horizontal' with one prob"
        plan.update(flip_prob=float(t.prob), augment=True)

    def __len__(self) -> int:
        if not self._fully_initialized:
            self.full_init()
        return len(self.labels)

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """The upstream data info, rebuilt from the tensors (for the per-sample path)."""
        img = self.images[idx].numpy()
        return dict(img=img[0] if self._gray else img.transpose(1, 2, 0),
                    gt_label=np.array(int(self.labels[idx]), dtype=np.int64),
                    sample_idx=int(idx))

    def __getitems__(self, indices: List[int]) -> List[dict]:
        """A batch as the pipeline would give it: ``inputs`` (C, H, W) uint8 views of one
        augmented batch tensor and ``data_samples``."""
        if not self._fully_initialized:
            self.full_init()
        plan = self.batch_plan
        if plan is None:
            return [self[i] for i in indices]
        index = torch.as_tensor(indices, dtype=torch.long)
        images, labels = self.images[index], self.labels[index]
        if plan['augment']:
            offset_h, offset_w, flip = draw_crop_flip(len(index), *plan['spans'],
                                                      plan['flip_prob'])
            images = crop_flip(images, torch.from_numpy(offset_h), torch.from_numpy(offset_w),
                               torch.from_numpy(flip), plan['crop_size'], plan['padding'],
                               plan['pad_val'])
        batch = []
        for i, (image, label) in enumerate(zip(images.unbind(0), labels[:, None].unbind(0))):
            sample = DataSample()
            if not plan['augment']:
                sample.set_metainfo(dict(sample_idx=int(indices[i])))
            sample.set_field(label, 'gt_label', dtype=torch.Tensor)
            batch.append(dict(inputs=image, data_samples=sample))
        return batch


@DATASETS.register_module()
class InMemoryMNIST(InMemoryClsDataset, MNIST):
    """mmpretrain's ``MNIST`` held in memory (:class:`InMemoryClsDataset`)."""


@DATASETS.register_module()
class InMemoryFashionMNIST(InMemoryClsDataset, FashionMNIST):
    """mmpretrain's ``FashionMNIST`` held in memory (:class:`InMemoryClsDataset`)."""
