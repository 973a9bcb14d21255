from .batch_crop_flip import crop_flip, draw_crop_flip
from .in_memory_cls_dataset import InMemoryClsDataset, InMemoryFashionMNIST, InMemoryMNIST
from .transforms import *  # noqa: F401,F403
from .unpaired_multi_domain_dataset import UnpairedMultiDomainDataset

__all__ = [
    'InMemoryClsDataset', 'InMemoryFashionMNIST', 'InMemoryMNIST', 'UnpairedMultiDomainDataset',
    'crop_flip', 'draw_crop_flip'
]
