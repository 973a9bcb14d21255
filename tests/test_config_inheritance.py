"""Configs inherit from mmagic::, mmpretrain::, mmrazor:: and mmkd_ext:: and build."""
import os
import os.path as osp
import shutil
import subprocess
import sys
import zipfile

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

from mmkd_ext.registry import MODELS

from .conftest import REPO


def _write(directory, name: str, text: str) -> str:
    path = osp.join(str(directory), name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def _build(cfg):
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(cfg.model).eval()


def test_inherits_mmagic(tmp_path):
    cfg = Config.fromfile(_write(tmp_path, 'edsr.py', (
        "_base_ = 'mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py'\n"
        "default_scope = 'mmkd_ext'\n"
        'model = dict(generator=dict(mid_channels=8, num_blocks=1))\n')))
    assert cfg.default_scope == 'mmkd_ext'
    assert cfg.model._scope_ == 'mmagic' and cfg.train_dataloader.dataset._scope_ == 'mmagic'
    from mmagic.models import BaseEditModel
    model = _build(cfg)
    assert type(model) is BaseEditModel
    assert model(torch.rand(1, 3, 8, 8), mode='tensor').shape == (1, 3, 32, 32)


def test_inherits_mmpretrain(tmp_path):
    cfg = Config.fromfile(_write(tmp_path, 'r18.py', (
        "_base_ = 'mmpretrain::resnet/resnet18_8xb16_cifar10.py'\n"
        "default_scope = 'mmkd_ext'\n"
        'model = dict(backbone=dict(base_channels=8, stem_channels=8), '
        'head=dict(in_channels=64))\n')))
    assert cfg.model._scope_ == 'mmpretrain'
    assert cfg.train_dataloader.dataset._scope_ == 'mmpretrain'
    from mmpretrain.models import ImageClassifier
    model = _build(cfg)
    assert type(model) is ImageClassifier
    assert model(torch.rand(1, 3, 32, 32), mode='tensor').shape == (1, 10)


def test_third_party_inherits_mmkd_ext_runtime(tmp_path):
    cfg = Config.fromfile(_write(tmp_path, 'mine.py', (
        "_base_ = 'mmkd_ext::_base_/default_runtime.py'\n"
        'default_hooks = dict(logger=dict(interval=10))\n')))
    assert cfg.default_scope == 'mmkd_ext'
    assert cfg.default_hooks.logger.interval == 10
    assert cfg.default_hooks.checkpoint.by_epoch is False
    assert cfg.log_processor.by_epoch is False
    assert [b.type for b in cfg.visualizer.vis_backends] == [
        'LocalVisBackend', 'OptionalTensorboardVisBackend']


def test_third_party_changes_the_student_of_a_shipped_config(tmp_path):
    cfg = Config.fromfile(_write(tmp_path, 'my_lsfd.py', (
        "_base_ = 'mmkd_ext::lsfd/edsr_x4.py'\n"
        'model = dict(teacher_ckpt=None,\n'
        '             student=dict(generator=dict(num_blocks=2, mid_channels=8)),\n'
        '             teacher=dict(generator=dict(num_blocks=2, mid_channels=16)))\n')))
    assert cfg.model.type == 'FeatureDistill'
    assert cfg.model.student.generator.num_blocks == 2
    assert cfg.model.distill_losses.body.loss.type == 'LSFDLoss'  # the rest is inherited
    assert cfg.train_cfg.max_iters == 300000
    init_default_scope('mmkd_ext')
    model = MODELS.build(cfg.model)
    assert len(model.student.generator.body) == 2
    assert model.connectors.body.conv.in_channels == 8


def _copy_sources(dst: str) -> str:
    """The working tree without venvs, build outputs and caches."""
    top_level = {'.git', '.venv', 'build', 'dist', 'data', 'work_dirs', '.pytest_cache'}

    def ignore(directory, names):
        at_top = osp.samefile(directory, REPO)
        return [n for n in names if (at_top and n in top_level) or n == '__pycache__'
                or n.endswith('.egg-info')]

    return shutil.copytree(REPO, dst, ignore=ignore, symlinks=True)


def test_configs_resolve_after_wheel_install(tmp_path):
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check', '-q']
    source = _copy_sources(str(tmp_path / 'src'))
    subprocess.run([*pip, 'wheel', '--no-deps', '--no-build-isolation', '--no-index', '-w',
                    str(tmp_path / 'dist'), source], check=True)
    wheel, = (tmp_path / 'dist').glob('mmkd_ext-*.whl')
    names = zipfile.ZipFile(wheel).namelist()
    assert 'mmkd_ext/.mim/configs/_base_/default_runtime.py' in names
    assert 'mmkd_ext/.mim/model-index.yml' in names

    site = tmp_path / 'site'
    subprocess.run([*pip, 'install', '--no-deps', '--no-index', '--target', str(site),
                    str(wheel)], check=True)
    work = tmp_path / 'elsewhere'
    work.mkdir()
    _write(work, 'mine.py', "_base_ = 'mmkd_ext::_base_/default_runtime.py'\n")
    script = ('import mmkd_ext\n'
              'from mmengine.config import Config\n'
              "assert Config.fromfile('mine.py').default_scope == 'mmkd_ext'\n"
              "path, _ = Config._get_cfg_path('mmkd_ext::_base_/default_runtime.py', 'mine.py')\n"
              'print(mmkd_ext.__file__)\n'
              'print(path)\n')
    env = dict(os.environ, PYTHONPATH=str(site), OMP_NUM_THREADS='1')
    result = subprocess.run([sys.executable, '-c', script], cwd=work, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    package_file, resolved = result.stdout.split()[-2:]
    assert package_file.startswith(str(site))
    assert resolved == str(site / 'mmkd_ext/.mim/configs/_base_/default_runtime.py')


# MMRazor's own configs, unmodified: they inherit mmcls:: configs and name mmcls types.
RAZOR_CONFIGS = {
    'distill/mmcls/kd/kd_logits_resnet34_resnet18_8xb32_in1k.py': 'SingleTeacherDistill',
    'pruning/mmcls/l1-norm/l1-norm_resnet34_8xb32_in1k_a.py': 'ItePruneAlgorithm',
    'nas/mmcls/spos/spos_shufflenet_supernet_8xb128_in1k.py': 'SPOS',
}


def _without_weights(node):
    """Pretrained weights cannot be downloaded here: keep the architecture, skip the
    weights (the loaded cfg changes, MMRazor's file does not)."""
    if isinstance(node, dict):
        for key, value in node.items():
            pretrained_init = isinstance(value, dict) and value.get('type') == 'Pretrained'
            if key == 'teacher_ckpt' or (key == 'init_cfg' and pretrained_init):
                node[key] = None
            elif key == 'pretrained' and value:
                node[key] = False
            else:
                _without_weights(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _without_weights(value)


@pytest.mark.parametrize('config', sorted(RAZOR_CONFIGS))
def test_mmrazor_shipped_configs_build(tmp_path, config):
    import mmrazor.engine  # noqa: F401
    import mmrazor.models  # noqa: F401
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS as RAZOR_MODELS

    cfg = Config.fromfile(_write(tmp_path, 'razor.py', f"_base_ = 'mmrazor::{config}'\n"))
    _without_weights(cfg.model)
    if 'mutator_cfg' in cfg.model:  # trace the channel graph at 64x64, not 224x224: 4x faster
        cfg.model.mutator_cfg.parse_cfg = dict(
            _scope_='mmrazor', type='ChannelAnalyzer', demo_input=(1, 3, 64, 64),
            tracer_type='BackwardTracer')
    init_default_scope('mmrazor')
    model = RAZOR_MODELS.build(cfg.model)
    assert type(model).__name__ == RAZOR_CONFIGS[config]

    inputs = torch.rand(2, 3, 64, 64)
    if config.startswith(('distill', 'nas')):
        losses = model(inputs, [DataSample().set_gt_label(i) for i in range(2)], mode='loss')
        assert all(torch.isfinite(v) for k, v in losses.items() if 'loss' in k)
        if config.startswith('distill'):
            assert set(losses) == {'student.loss', 'distill.loss_kl'}
    model.eval()  # MMRazor's train() overrides return None
    assert model(inputs, mode='tensor').shape == (2, 1000)
