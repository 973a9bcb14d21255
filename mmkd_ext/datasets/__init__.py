from .batch_crop_flip import crop_flip, draw_crop_flip
from .in_memory_cls_dataset import InMemoryClsDataset
from .transforms import *  # noqa: F401,F403
from .unpaired_multi_domain_dataset import UnpairedMultiDomainDataset

__all__ = ['InMemoryClsDataset', 'UnpairedMultiDomainDataset', 'crop_flip', 'draw_crop_flip']
