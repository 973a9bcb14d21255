"""mmkd_ext.apis.train / .paths and the CPU distributed switch the entries apply: the
pieces tools/train.py and tools/test.py are made of."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmkd_ext.apis.paths import project_root
from mmkd_ext.apis.train import check_config_path, parse_cfg_options, train_args
from mmkd_ext.compat import setup_cpu_distributed

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_train_args_are_the_cli_defaults():
    args = train_args('c.py', work_dir='w', resume='auto')
    assert vars(args) == dict(config='c.py', work_dir='w', resume='auto', amp=False,
                              no_validate=False, auto_scale_lr=False, cfg_options=None,
                              launcher='none')
    with pytest.raises(TypeError, match=r"unknown train options \['no_valdate'\]; allowed"):
        train_args('c.py', no_valdate=True)


def test_cfg_options_parse_as_on_the_command_line():
    assert parse_cfg_options(['a.b=1', 'c=[2,3]', 'd=x']) == {'a.b': 1, 'c': [2, 3], 'd': 'x'}
    assert parse_cfg_options([]) == {}


def test_shipped_configs_are_found_from_the_package():
    assert osp.isfile(osp.join(project_root(), 'configs', 'lsfd', 'edsr_x4.py'))
    with pytest.raises(SystemExit, match=r"config 'edsr_x5.py' does not exist; nearest shipped "
                       r"configs: \['configs/\w+/edsr_x4.py'"):
        check_config_path('edsr_x5.py')


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the CPU fallback')
def test_cpu_distributed_switch():
    cfg = Config(dict(launcher='pytorch', env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    note = setup_cpu_distributed(cfg)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo' and "'nccl' replaced by gloo" in note
    assert setup_cpu_distributed(cfg) is None  # already gloo
    assert setup_cpu_distributed(Config(dict(launcher='none'))) is None
    with pytest.raises(ValueError, match='--launcher slurm needs GPUs.*--launcher pytorch'):
        setup_cpu_distributed(Config(dict(launcher='slurm')))
