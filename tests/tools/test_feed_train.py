"""FEED through tools/train.py with a real mmengine Runner: K = 2 tiny teachers, tiny
Fashion-MNIST-shaped data, 2 iterations, resume, and the extracted student."""
import pytest
import torch

from mmkd_ext.registry import MODELS
from tests.tools._tiny_cls import (cls_config, feed_model, make_fashion_data,
                                   make_teacher_ckpts, student_cfg)
from tests.tools._tiny_sr import latest_log, run_tool_in_process, write_config


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('feed')
    data = make_fashion_data(str(tmp / 'fashion'))
    config = write_config(str(tmp / 'feed.py'),
                          cls_config(feed_model(make_teacher_ckpts(str(tmp))), data))
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
    state = torch.load(work_dir / 'iter_2.pth', map_location='cpu',
                       weights_only=False)['state_dict']
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
