"""Unpaired images of n domains: one source image plus one image of every other domain."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset, force_full_init
from mmengine.fileio import get_file_backend

from mmkd_ext.registry import DATASETS

__all__ = ['UnpairedMultiDomainDataset']

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.tif', '.tiff', '.webp')


@DATASETS.register_module()
class UnpairedMultiDomainDataset(BaseDataset):
    """mmagic's ``UnpairedImageDataset`` for any number of domains.

    Item ``i`` holds the paths ``img_{domain}_path`` of source image ``i`` and of one image
    per other domain: drawn at random in training (numpy's generator, seeded per worker by
    mmengine), image ``i % len(domain)`` in test mode. Load each ``img_{domain}`` with
    ``LoadImageFromFile(key=f'img_{domain}')`` and pack them with
    ``mmagic.PackInputs(keys=[...])``, as mmagic's CycleGAN configs do.

    Args:
        data_root (str): Folder holding one sub-folder per domain.
        domains (Sequence[str]): Domain names; the first is the source.
        pipeline (list): Transforms.
        data_prefix (dict, optional): Sub-folder of each domain under ``data_root``
            (entries of other domains are ignored, so one table can serve several
            configs). A domain without an entry uses its name.
        test_mode (bool): Defaults to False.
        io_backend (str, optional): mmengine file backend. Defaults to the one of
            ``data_root``.
        serialize_data (bool): Defaults to False (the lists are small).
    """

    def __init__(self,
                 data_root: str,
                 domains: Sequence[str],
                 pipeline: list,
                 data_prefix: Optional[Dict[str, str]] = None,
                 test_mode: bool = False,
                 io_backend: Optional[str] = None,
                 serialize_data: bool = False):
        domains = list(domains)
        if len(domains) < 1 or len(set(domains)) != len(domains) or not all(
                isinstance(d, str) and d for d in domains):
            raise ValueError(f'domains must be distinct non-empty names, got {domains!r}')
        prefix = dict(data_prefix or {})
        self.domains = domains
        self.folders = {d: osp.join(str(data_root), prefix.get(d, d)) for d in domains}
        self.file_backend = get_file_backend(
            uri=data_root, backend_args=None if io_backend is None else {'backend': io_backend})
        self.paths: Dict[str, List[str]] = {}
        super().__init__(data_root=data_root, pipeline=pipeline, test_mode=test_mode,
                         serialize_data=serialize_data)

    def load_data_list(self) -> List[dict]:
        for domain, folder in self.folders.items():
            if not self.file_backend.isdir(folder):
                raise FileNotFoundError(f'domain {domain!r}: folder {folder} not found')
            names = self.file_backend.list_dir_or_file(
                folder, list_dir=False, suffix=IMG_EXTENSIONS + tuple(
                    e.upper() for e in IMG_EXTENSIONS), recursive=True)
            paths = sorted(self.file_backend.join_path(folder, n) for n in names)
            if not paths:
                raise FileNotFoundError(f'domain {domain!r}: no images '
                                        f'({", ".join(IMG_EXTENSIONS)}) in {folder}')
            self.paths[domain] = paths
        source = self.domains[0]
        return [dict(index=i) for i in range(len(self.paths[source]))]

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        info = {'sample_idx': idx}
        for k, domain in enumerate(self.domains):
            paths = self.paths[domain]
            if k == 0 or self.test_mode:
                path = paths[idx % len(paths)]
            else:
                path = paths[np.random.randint(len(paths))]
            info[f'img_{domain}_path'] = path
        return info
