"""mmkd_ext.benchmarks.cls_data on tiny idx data: both paths measured with the FEED study's
ResNet-8 config, one row each (no timing asserted)."""
import os.path as osp

import pytest

from mmkd_ext.benchmarks.cls_data import DataPath, format_data_paths, measure_data_paths
from tests.tools._tiny_cls import make_fashion_data

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(REPO, 'configs', '_base_', 'datasets')
CONFIG = osp.join(REPO, 'configs', 'feed', 'resnet8-w8_1xb64-1k_fashion-mnist.py')


def test_both_paths_side_by_side(tmp_path):
    root = make_fashion_data(str(tmp_path), num_train=8, num_test=2)
    paths = [DataPath('streaming', osp.join(DATA, 'fashion_mnist_3c.py'), 4, root,
                      dataset_type='mmpretrain.FashionMNIST'),
             DataPath('in-memory', osp.join(DATA, 'fashion_mnist_inmem.py'), 4, root)]
    assert paths[0].loader_cfg['dataset']['type'] == 'mmpretrain.FashionMNIST'
    assert paths[1].loader_cfg['dataset']['data_root'] == root
    results = measure_data_paths(CONFIG, paths, batches=2, steps=2, warmup=1, rounds=1)
    assert list(results['paths']) == ['streaming', 'in-memory']
    for row in results['paths'].values():
        assert row['batch_size'] == 4 and row['num_workers'] == 0
        assert row['loader_ips'] >= row['data_ips'] > 0
        assert 0 < row['data_fraction'] < 1
    table = format_data_paths(results, 'resnet8')
    assert table.count('\n| streaming | 0 |') == table.count('\n| in-memory | 0 |') == 1
    assert 'in-memory / streaming: data path' in table


def test_bad_counts():
    with pytest.raises(ValueError, match='batches, steps and rounds must be >= 1'):
        measure_data_paths(CONFIG, [], steps=0)


def test_missing_data_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'not found; run `python tools/prepare_data.py '
                                                r'cls` or pass --data-root'):
        DataPath('streaming', osp.join(DATA, 'fashion_mnist.py'), 4, str(tmp_path / 'none'))


def test_the_tool_prints_both_rows(tmp_path, capsys):
    from tests.tools._tiny_sr import run_tool_in_process
    root = make_fashion_data(str(tmp_path), num_train=8, num_test=2)
    run_tool_in_process(
        'benchmarks/cls_data.py', '--config', CONFIG, '--old-data',
        osp.join(DATA, 'fashion_mnist_3c.py'), '--old-type', 'mmpretrain.FashionMNIST',
        '--new-data', osp.join(DATA, 'fashion_mnist_inmem.py'), '--data-root', root,
        '--old-workers', '0', '--batch', '4', '--batches', '2', '--steps', '2', '--warmup', '1',
        '--rounds', '1')
    out = capsys.readouterr().out
    assert out.startswith(f'{CONFIG}: batch 4, cpu')
    assert out.count('\n| streaming | 0 |') == out.count('\n| in-memory | 0 |') == 1
