from .transforms import *  # noqa: F401,F403
from .unpaired_multi_domain_dataset import UnpairedMultiDomainDataset

__all__ = ['UnpairedMultiDomainDataset']
