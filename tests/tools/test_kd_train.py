"""The shipped KD orthogonality configs in a real Runner (tools/train.py): each technique with
KD for 2 iterations on tiny Fashion-MNIST-shaped data, resume, and the deployable student."""
import glob
import os.path as osp

import pytest
import torch

from mmkd_ext.models.algorithms.kd_students import deploy_model, model_size
from mmkd_ext.registry import MODELS
from tests.tools._tiny_cls import make_fashion_data
from tests.tools._tiny_sr import latest_log, run_tool_in_process

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', 'configs', 'kd')
PRUNE = 'kd_resnet8_resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py'
QAT = 'kd_resnet8_resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py'


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """Tiny data (8 train / 4 test images) and a random teacher saved as a checkpoint."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    tmp = tmp_path_factory.mktemp('kd')
    data = make_fashion_data(str(tmp / 'fashion'))
    teacher_cfg = Config.fromfile(osp.join(CONFIGS, 'resnet8_1xb64-1k_fashion-mnist-3c.py'))
    init_default_scope('mmkd_ext')
    torch.manual_seed(0)
    ckpt = str(tmp / 'teacher.pth')
    torch.save({'state_dict': MODELS.build(teacher_cfg.model).state_dict()}, ckpt)
    return tmp, data, ckpt


def _train(tiny, config: str, name: str, *options: str, resume: bool = False):
    tmp, data, ckpt = tiny
    work_dir = str(tmp / name)
    args = [osp.join(CONFIGS, config), '--work-dir', work_dir, '--cfg-options',
            f'model.teacher_ckpt={ckpt}', 'train_dataloader.batch_size=4',
            'val_dataloader.batch_size=4', 'default_hooks.logger.interval=1',
            *(f'{k}_dataloader.dataset.data_root={data}' for k in ('train', 'val', 'test')),
            *options]
    run_tool_in_process('train.py', *args, *(['--resume'] if resume else []))
    return work_dir, latest_log(work_dir)


def _all_logs(work_dir: str) -> str:
    return ''.join(open(p).read() for p in glob.glob(osp.join(work_dir, '*', '*.log')))


def _trained_model(config: str, work_dir: str, ckpt: str, **student_changes):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    cfg = Config.fromfile(osp.join(CONFIGS, config))
    cfg.model.teacher_ckpt = ckpt
    cfg.model.student.update(student_changes)
    init_default_scope('mmkd_ext')
    model = MODELS.build(cfg.model)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        load_checkpoint(model, f.read().strip(), map_location='cpu', strict=True)
    return model.eval()


def test_pruning_with_kd_prunes_fine_tunes_resumes_and_exports(tiny):
    ckpt = tiny[2]
    init = f'model.student.architecture.init_cfg.checkpoint={ckpt}'
    work_dir, log = _train(tiny, PRUNE, 'prune', 'train_cfg.max_iters=2', init)
    assert 'The model is pruned at 0th iter once' in log
    for key in ('loss_cls', 'loss_kd', 'accuracy/top1'):
        assert key in log, key
    _train(tiny, PRUNE, 'prune', 'train_cfg.max_iters=3', init, resume=True)
    assert 'resumed from' in _all_logs(work_dir) and osp.isfile(osp.join(work_dir, 'iter_3.pth'))

    model = _trained_model(PRUNE, work_dir, ckpt)
    assert set(model.student.mutator.current_choices.values()) == {0.5}  # masks resumed
    static, meta = deploy_model(model.student)
    assert model_size(static)['params'] < model_size(model.student.architecture)['params'] / 2
    # the pruned weights load strictly into MMRazor's deploy sub-model of that structure
    from mmengine.registry import init_default_scope
    from mmrazor.implementations.pruning.group_fisher import GroupFisherDeploySubModel
    init_default_scope('mmrazor')
    deployed = GroupFisherDeploySubModel(
        _architecture_cfg(), fix_subnet=meta['fix_subnet'],
        parse_cfg=dict(_scope_='mmrazor', type='ChannelAnalyzer', demo_input=(1, 3, 28, 28),
                       tracer_type='BackwardTracer'))
    deployed.load_state_dict(static.state_dict(), strict=True)
    x = torch.rand(2, 3, 28, 28)
    with torch.no_grad():
        expected = model.student(x, mode='tensor')
        assert torch.allclose(deployed.eval()(x, mode='tensor'), expected, atol=1e-5)


def _architecture_cfg() -> dict:
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(CONFIGS, 'resnet8_1xb64-1k_fashion-mnist-3c.py'))
    return cfg.model.to_dict()


def test_qat_with_kd_trains_validates_quantized_resumes_and_exports(tiny):
    ckpt = tiny[2]
    options = ('train_dataloader.dataset.indices=8', f'model.student.float_checkpoint={ckpt}')
    work_dir, log = _train(tiny, QAT, 'qat', *options)
    for key in ('loss_cls', 'loss_kd', 'qat.accuracy/top1', 'original.accuracy/top1'):
        assert key in log, key
    _train(tiny, QAT, 'qat', *options, 'train_cfg.max_epochs=2', resume=True)
    assert 'resumed from' in _all_logs(work_dir) and osp.isfile(osp.join(work_dir, 'epoch_2.pth'))

    model = _trained_model(QAT, work_dir, ckpt, float_checkpoint=ckpt)
    from mmrazor.models.fake_quants import enable_val
    model.apply(enable_val)
    graph, meta = deploy_model(model.student)
    assert meta == {'quantizer': 'OpenVINOQuantizer', 'w_bit': 8, 'a_bit': 8}
    # BatchNorm folded into the weights, which lie on the learned (LSQ) int8 grid
    path = 'backbone.layer1.0.conv1'
    trained = model.student.qmodels['tensor'].get_submodule(path).weight_fake_quant.scale
    steps = graph.get_submodule(path).weight.detach() / trained.detach().reshape(-1, 1, 1, 1)
    assert torch.allclose(steps, steps.round(), atol=1e-3) and steps.abs().max() <= 127
    x = torch.rand(2, 3, 28, 28)
    with torch.no_grad():
        expected = model.student(x, mode='tensor')
        assert torch.allclose(graph(x, None, 'tensor'), expected, atol=0.05 * expected.abs().max())
    size = model_size(graph, weight_bits=8)
    assert size['size_kb'] < model_size(model.student.architecture)['size_kb'] / 3


@pytest.mark.parametrize('config, head', [
    ('kd_resnet8_shufflenetv2-w05_1xb64-300_fashion-mnist-3c.py', 'loss_cls'),
    ('kd_resnet8_resnet8-w8-ls01_1xb64-300_fashion-mnist-3c.py', 'loss_cls'),
])
def test_cheap_and_regularised_students_with_kd(tiny, config, head):
    name = config.split('_')[2]
    work_dir, log = _train(tiny, config, name, 'train_cfg.max_iters=2',
                           'train_cfg.val_interval=2')
    for key in (head, 'loss_kd', 'accuracy/top1'):
        assert key in log, key
    out = osp.join(work_dir, 'student.pth')
    run_tool_in_process('model_converters/extract_student.py',
                        osp.join(work_dir, 'iter_2.pth'), out)
    from mmengine.config import Config
    student = Config.fromfile(osp.join(CONFIGS, config.replace('kd_resnet8_', ''))).model
    plain = MODELS.build(student.to_dict())
    plain.load_state_dict(torch.load(out, map_location='cpu')['state_dict'], strict=True)
