"""FEED through tools/train.py with a real mmengine Runner: K = 2 tiny teachers, tiny
Fashion-MNIST-shaped data, 2 iterations, resume, and the extracted student."""
import os.path as osp
import re
import shutil
import sys

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from mmkd_ext.registry import MODELS
from tests.tools._tiny_cls import (
    cls_config,
    feed_model,
    make_fashion_data,
    make_teacher_ckpts,
    student_cfg,
)
from tests.tools._tiny_sr import latest_log, run_tool_in_process, write_config


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('feed')
    data = make_fashion_data(str(tmp / 'fashion'))
    cfg = cls_config(feed_model(make_teacher_ckpts(str(tmp))), data)
    cfg['custom_hooks'] = [dict(type='TeacherValidationHook')]
    config = write_config(str(tmp / 'feed.py'), cfg)
    work_dir = tmp / 'work'
    run_tool_in_process('train.py', config, '--work-dir', str(work_dir))
    return tmp, config, work_dir


def test_two_iterations_log_every_term_and_the_accuracy(trained):
    _, _, work_dir = trained
    log = latest_log(str(work_dir))
    for key in ('loss_cls', 'loss_feed_t1', 'loss_feed_t2', 'loss_kd', 'accuracy/top1'):
        assert key in log, key
    assert (work_dir / 'iter_2.pth').is_file()


def test_checkpoint_holds_the_teachers_as_loaded(trained):
    tmp, _, work_dir = trained
    state = _load_checkpoint(str(work_dir / 'iter_2.pth'), map_location='cpu')['state_dict']
    t1 = torch.load(tmp / 't1.pth', map_location='cpu')['state_dict']
    for key, value in t1.items():
        assert torch.equal(state[f'teachers.t1.{key}'], value), key
    assert any(k.startswith('translators.t2.') for k in state)


def test_resume_continues_from_the_last_checkpoint(trained):
    _, config, work_dir = trained
    run_tool_in_process('train.py', config, '--work-dir', str(work_dir), '--resume',
                        '--cfg-options', 'train_cfg.max_iters=3')
    log = latest_log(str(work_dir))
    assert 'resumed' in log.lower() and 'Iter(train) [3/3]' in log
    assert (work_dir / 'iter_3.pth').is_file()


def test_extracted_student_loads_strictly_into_a_plain_classifier(trained):
    _, _, work_dir = trained
    out = work_dir / 'student.pth'
    run_tool_in_process('model_converters/extract_student.py', str(work_dir / 'iter_2.pth'),
                        str(out))
    state = torch.load(out, map_location='cpu')['state_dict']
    assert not any(k.startswith(('teachers', 'translators')) for k in state)
    plain = MODELS.build(student_cfg())
    plain.load_state_dict(state, strict=True)
    plain.eval()
    assert plain(torch.rand(1, 1, 28, 28)).shape == (1, 10)


def test_teachers_are_scored_once_as_plain_classifiers_would_be(trained):
    """TeacherValidationHook: each teacher's top-1 in the first validation's log line and
    scalars, equal to the checkpoint evaluated alone; not repeated afterwards."""
    import glob
    import json

    from mmpretrain.datasets import FashionMNIST
    from mmpretrain.structures import DataSample

    from tests.models._classifiers import tiny_classifier
    from tests.tools._tiny_cls import WIDTHS
    tmp, _, work_dir = trained
    scalars = sorted(glob.glob(str(work_dir / '*' / 'vis_data' / 'scalars.json')))[0]
    with open(scalars) as f:
        rows = [json.loads(line) for line in f]
    vals = [r for r in rows if 'accuracy/top1' in r]
    assert len(vals) == 1  # validation at iteration 2 of 2
    dataset = FashionMNIST(str(tmp / 'fashion'), data_prefix='raw', test_mode=True,
                           download=False)
    images = torch.stack([torch.as_tensor(dataset[i]['img']) for i in range(len(dataset))])
    labels = [int(dataset[i]['gt_label']) for i in range(len(dataset))]
    for name, width in WIDTHS.items():
        teacher = MODELS.build(dict(tiny_classifier(width),
                                    data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                                                           mean=[72.94], std=[90.02])))
        teacher.load_state_dict(torch.load(tmp / f'{name}.pth', map_location='cpu')['state_dict'])
        teacher.eval()
        data = teacher.data_preprocessor(dict(
            inputs=list(images.unsqueeze(1).to(torch.uint8)),
            data_samples=[DataSample().set_gt_label(y) for y in labels]), False)
        preds = teacher(**data, mode='predict')
        expected = 100.0 * sum(int(p.pred_label) == y for p, y in zip(preds, labels)) / len(labels)
        assert vals[0][f'teacher/{name}/accuracy/top1'] == pytest.approx(expected)
    assert 'teacher t1: teacher/t1/accuracy/top1' in latest_log(str(work_dir))


@pytest.mark.skipif(shutil.which('torchrun', path=osp.dirname(sys.executable)) is None,
                    reason='torchrun is not installed')
def test_two_processes_with_gloo(tmp_path, monkeypatch):
    """tools/dist_train.sh CONFIG 2: FEED with K = 2 under mmengine's DDP wrapper on CPU."""
    from tests.tools._tiny_sr import dist_train_two
    data = make_fashion_data(str(tmp_path / 'fashion'))
    config = write_config(str(tmp_path / 'feed.py'),
                          cls_config(feed_model(make_teacher_ckpts(str(tmp_path))), data))
    work_dir = str(tmp_path / 'work')
    log = dist_train_two(config, work_dir, monkeypatch)
    assert re.search(r'Iter\(train\) \[2/2\].*loss_feed_t1: [\d.]+.*loss_feed_t2: [\d.]+', log)
    state = torch.load(osp.join(work_dir, 'iter_2.pth'), map_location='cpu',
                       weights_only=True)['state_dict']
    assert any(k.startswith('student.backbone.') for k in state)
    assert any(k.startswith('translators.t2.') for k in state)
