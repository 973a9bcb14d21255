"""UnpairedMultiDomainDataset on tiny image folders, with the shipped translation pipelines."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmkd_ext.registry import DATASETS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASES = osp.join(REPO, 'configs', '_base_', 'datasets')


def make_domains(root, counts: dict, size=(40, 30), ext='.png') -> None:
    rng = np.random.default_rng(0)
    for domain, count in counts.items():
        folder = root / domain
        folder.mkdir(parents=True)
        for i in range(count):
            img = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
            cv2.imwrite(str(folder / f'{domain}{i}{ext}'), img)


def build(**kwargs):
    init_default_scope('mmkd_ext')
    return DATASETS.build(dict(type='UnpairedMultiDomainDataset', pipeline=[], **kwargs))


def test_one_source_image_plus_one_per_domain(tmp_path):
    make_domains(tmp_path, dict(photo=3, vangogh=2), ext='.webp')
    make_domains(tmp_path / 'prints', dict(ukiyoe=1))
    ds = build(data_root=str(tmp_path), domains=['photo', 'vangogh', 'ukiyoe'],
               data_prefix=dict(ukiyoe='prints/ukiyoe', monet='unused'))
    assert len(ds) == 3  # the source's images
    info = ds.get_data_info(2)
    assert info['img_photo_path'].endswith('photo/photo2.webp')
    assert osp.basename(info['img_vangogh_path']) in ('vangogh0.webp', 'vangogh1.webp')
    assert info['img_ukiyoe_path'].endswith('prints/ukiyoe/ukiyoe0.png')
    test = build(data_root=str(tmp_path), domains=['photo', 'vangogh'], test_mode=True)
    assert [osp.basename(test.get_data_info(i)['img_vangogh_path']) for i in range(3)] == [
        'vangogh0.webp', 'vangogh1.webp', 'vangogh0.webp']


def test_missing_or_empty_domain_folders_are_named(tmp_path):
    make_domains(tmp_path, dict(photo=1))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match="domain 'vangogh': folder .*vangogh not found"):
        build(data_root=str(tmp_path), domains=['photo', 'vangogh'])
    with pytest.raises(FileNotFoundError, match="domain 'empty': no images"):
        build(data_root=str(tmp_path), domains=['photo', 'empty'])
    with pytest.raises(ValueError, match='distinct'):
        build(data_root=str(tmp_path), domains=['photo', 'photo'])


@pytest.mark.parametrize('base, crop', [('translation_demo.py', 64),
                                        ('translation_cyclegan.py', 256)])
def test_shipped_pipelines(base, crop, tmp_path):
    cfg = Config.fromfile(osp.join(BASES, base))
    make_domains(tmp_path, {osp.basename(cfg.data_prefix[d]) if 'data_prefix' in cfg else d: 2
                            for d in cfg.domains}, size=(300, 280))
    dataset = cfg.train_dataloader.dataset
    dataset.data_root = str(tmp_path)
    dataset.data_prefix = {d: osp.basename(p) for d, p in (cfg.get('data_prefix') or {}).items()}
    init_default_scope('mmkd_ext')
    sample = DATASETS.build(dataset)[0]
    assert sorted(sample['inputs']) == sorted(f'img_{d}' for d in cfg.domains)
    assert all(tuple(v.shape) == (3, crop, crop) for v in sample['inputs'].values())
    assert cfg.val_evaluator is None and cfg.train_dataloader.sampler.type == 'InfiniteSampler'
