"""A corrupt image is skipped with a warning when the pipeline says so; nothing else is lost."""
import os.path as osp

import pytest
from mmengine.registry import DefaultScope

from mmkd_ext.datasets.transforms import load_image_from_file
from mmkd_ext.registry import DATASETS
from tests.tools._tiny_sr import make_sr_data


def _dataset(root: str, test_mode: bool = False):
    load = [dict(type='LoadImageFromFile', key=key, on_error='skip') for key in ('img', 'gt')]
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        return DATASETS.build(dict(
            type='mmagic.BasicImageDataset', data_root=root, test_mode=test_mode,
            data_prefix=dict(img='LR', gt='HR'), pipeline=load + [dict(type='mmagic.PackInputs')]))


@pytest.fixture
def corrupt_root(tmp_path):
    root = make_sr_data(str(tmp_path / 'data'), num=4)
    with open(osp.join(root, 'LR', 'img2.png'), 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n truncated')
    return root


def test_skip_replaces_the_sample_and_warns_once(corrupt_root, monkeypatch):
    warnings = []
    monkeypatch.setattr(load_image_from_file, 'print_log',
                        lambda msg, **kwargs: warnings.append((msg, kwargs.get('level'))))
    dataset = _dataset(corrupt_root)
    files = [osp.basename(dataset.get_data_info(i)['img_path']) for i in range(len(dataset))]
    bad = files.index('img2.png')
    loaded = [osp.basename(dataset[i]['data_samples'].img_path) for i in range(len(dataset))]
    for _ in range(3):  # later epochs meet the same file again
        dataset[bad]
    assert [n for i, n in enumerate(loaded) if i != bad] == [
        n for i, n in enumerate(files) if i != bad]
    assert loaded[bad] != 'img2.png'  # another sample took its place
    assert len(warnings) == 1 and warnings[0][1] == 30
    assert "skipping '" in warnings[0][0] and "img2.png' (on_error='skip')" in warnings[0][0]


def test_validation_data_cannot_skip(corrupt_root):
    dataset = _dataset(corrupt_root, test_mode=True)
    bad = [osp.basename(dataset.get_data_info(i)['img_path'])
           for i in range(len(dataset))].index('img2.png')
    with pytest.raises(Exception, match='should not get `None`'):
        dataset[bad]
