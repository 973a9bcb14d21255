"""tools/analysis/kd_variance.py: the variance measures on known predictions, and two seeds of
a shipped KD config trained, reloaded and evaluated on tiny data."""
import os.path as osp

import numpy as np
import pytest

from mmkd_ext.apis.analysis.kd_variance import summarise, table
from tests.tools._tiny_cls import make_fashion_data
from tests.tools._tiny_sr import run_tool_in_process


def _run(scores, labels):
    return dict(scores=np.array(scores, dtype=float), labels=np.array(labels),
                params_before=10, params_after=5, kb_before=1.0, kb_after=0.5, seconds=2.0)


def test_disagreement_variance_and_ensemble_on_known_predictions():
    labels = [0, 1, 1]
    a = _run([[0.9, 0.1], [0.4, 0.6], [0.6, 0.4]], labels)  # right, right, wrong
    b = _run([[0.6, 0.4], [0.8, 0.2], [0.3, 0.7]], labels)  # right, wrong, right
    r = summarise([a, b])
    assert r['top1_seeds'] == pytest.approx([200 / 3, 200 / 3])
    assert r['disagreement'] == pytest.approx(200 / 3)  # images 2 and 3 differ
    # ensemble: [0.75, 0.25], [0.6, 0.4] (wrong), [0.45, 0.55] -> 2 of 3 right
    assert r['ensemble_top1'] == pytest.approx(200 / 3) and r['ensemble_gain'] == 0
    expected_var = np.mean([2 * np.var([x, y], ddof=1) for x, y in ((0.9, 0.6), (0.4, 0.8),
                                                                     (0.6, 0.3))])
    assert r['variance'] == pytest.approx(expected_var)
    assert '| 66.67 +- 0.00 | 66.67 |' in table({'x': r})
    with pytest.raises(ValueError, match='different test images'):
        summarise([a, _run(b['scores'], [1, 1, 1])])


def test_two_seeds_of_a_kd_config_train_and_are_compared(tmp_path, capsys):
    data = make_fashion_data(str(tmp_path / 'fashion'))
    teacher = tmp_path / 'teacher.pth'
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmkd_ext.registry import MODELS
    configs = osp.join(osp.dirname(__file__), '..', '..', 'configs', 'kd')
    init_default_scope('mmkd_ext')
    cfg = Config.fromfile(osp.join(configs, 'resnet8_1xb64-1k_fashion-mnist-3c.py'))
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, teacher)
    config = osp.join(configs, 'kd_resnet8_resnet8-w8-ls01_1xb64-300_fashion-mnist-3c.py')
    options = ['train_cfg.max_iters=1', 'train_dataloader.batch_size=4', 'log_level=WARNING',
               f'model.teacher_ckpt={teacher}',
               *(f'{k}_dataloader.dataset.data_root={data}' for k in ('train', 'test'))]
    out = tmp_path / 'r.json'
    results = run_tool_in_process('analysis/kd_variance.py', config, '--seeds', '0', '1',
                                  '--work-dir', str(tmp_path / 'w'), '--out', str(out),
                                  '--cfg-options', *options)
    r = results['kd_resnet8_resnet8-w8-ls01_1xb64-300_fashion-mnist-3c']
    assert r['test_images'] == 4 and len(r['top1_seeds']) == 2
    assert r['params_before'] == r['params_after'] > 0 and out.is_file()
    # the terminal gets the progress and the table, each run's work dir its full log
    captured = capsys.readouterr()
    assert 'kd_resnet8_resnet8-w8-ls01_1xb64-300_fashion-mnist-3c seed 1 done' in captured.err
    assert '2/2 runs' in captured.err and '| config | top-1' in captured.out
    assert 'mmengine' not in captured.out + captured.err
    for seed in (0, 1):
        log = (tmp_path / 'w' / 'kd_resnet8_resnet8-w8-ls01_1xb64-300_fashion-mnist-3c' /
               f'seed{seed}' / 'train.out').read_text()
        assert 'Loads checkpoint by local backend from path' in log  # log_level=WARNING
    # a finished run is not trained again
    again = run_tool_in_process('analysis/kd_variance.py', config, '--seeds', '0', '1',
                                '--work-dir', str(tmp_path / 'w'), '--cfg-options', *options)
    assert again == results
