"""SGN in a real mmengine Runner from the shipped CPU-scale config (tiny networks, tiny
images): two optimizers, the linear decay, the mixing-grid hook, checkpoints with the replay
pools, and resuming."""
import copy
import os.path as osp
import re
import shutil
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

from tests.datasets.test_unpaired_multi_domain_dataset import make_domains
from tests.models._sgn import write_tiny_run
from tests.tools._tiny_sr import dist_train_two


class PoolAtStart(Hook):
    """Records the pools' sizes and the generator's Adam step when training starts."""

    def before_train(self, runner):
        self.pools = {k: len(v) for k, v in runner.model.pools.items()}
        state = runner.optim_wrapper['generator'].optimizer.state_dict()['state']
        self.step = float(state[0]['step']) if state else 0.0


def tiny_config(tmp_path, name: str, max_iters: int) -> Config:
    """The tiny SGN run on 16 px crops of the images under ``tmp_path/data``."""
    config, _ = write_tiny_run(tmp_path)
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path / name)
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.batch_size = 2
    cfg.train_dataloader.dataset.data_root = str(tmp_path / 'data')
    steps = {t.type: t for t in cfg.train_dataloader.dataset.pipeline}
    steps['mmagic.Resize'].scale = (24, -1)  # then 16 px crops
    steps['mmagic.Crop'].crop_size = (16, 16)
    cfg.train_cfg.max_iters = max_iters
    cfg.param_scheduler[0].update(begin=2, end=4)
    cfg.default_hooks.checkpoint.interval = 2
    cfg.default_hooks.logger.interval = 1
    cfg.custom_hooks[0].update(image=str(tmp_path / 'data' / 'photo' / 'photo0.png'),
                               interval=2, size=16)
    cfg.log_level = 'WARNING'
    return cfg


def run(tmp_path, name: str, max_iters: int, resume_from=None):
    cfg = tiny_config(tmp_path, name, max_iters)
    cfg.load_from, cfg.resume = resume_from, resume_from is not None
    hook = PoolAtStart()
    runner = Runner.from_cfg(cfg)
    runner.register_hook(hook)
    runner.train()
    return runner, hook


def test_two_iterations_checkpoint_grid_and_resume(tmp_path):
    make_domains(tmp_path / 'data', dict(photo=3, vangogh=2, ukiyoe=2), size=(30, 26))
    saved = copy.copy(DefaultScope._instance_dict)
    try:
        runner, _ = run(tmp_path, 'half', max_iters=2)
        half = _load_checkpoint(str(tmp_path / 'half' / 'iter_2.pth'), map_location='cpu')
        resumed, at_start = run(tmp_path, 'resumed', max_iters=4,
                                resume_from=str(tmp_path / 'half' / 'iter_2.pth'))
    finally:
        DefaultScope._instance_dict = saved
    state = half['state_dict']
    assert {k.split('.')[0] for k in state} == {'generator', 'discriminators', 'pools'}
    assert state['pools.vangogh._extra_state']['images'].shape == (4, 3, 16, 16)
    assert set(half['optimizer']) == {'generator', 'discriminators'}
    grids = sorted(p.name for p in (tmp_path / 'half').rglob('sgn_mix_*.png'))
    assert grids == ['sgn_mix_2.png']
    scalars = runner.message_hub.log_scalars
    assert {'train/loss_rec_photo', 'train/loss_adv_vangogh', 'train/loss_d_ukiyoe'} <= set(
        scalars)

    # the resumed run starts from the checkpoint: pools refilled, Adam at step 2
    assert at_start.pools == {'vangogh': 4, 'ukiyoe': 4} and int(at_start.step) == 2
    assert resumed.iter == 4
    end = _load_checkpoint(str(tmp_path / 'resumed' / 'iter_4.pth'), map_location='cpu')
    assert int(end['optimizer']['generator']['state'][0]['step']) == 4
    assert end['optimizer']['generator']['param_groups'][0]['lr'] < 2e-4  # decaying
    assert not torch.equal(end['state_dict']['generator.body.model.0.conv.weight'],
                           state['generator.body.model.0.conv.weight'])
    assert osp.exists(tmp_path / 'resumed' / 'iter_4.pth')


@pytest.mark.skipif(shutil.which('torchrun', path=osp.dirname(sys.executable)) is None,
                    reason='torchrun is not installed')
def test_two_processes(tmp_path, monkeypatch):
    """``tools/dist_train.sh`` with 2 processes: the generator and the discriminators each
    under their own DDP (``MMSeparateDistributedDataParallel``), the pools' non-tensor state
    left out of the start-up broadcast."""
    make_domains(tmp_path / 'data', dict(photo=4, vangogh=2, ukiyoe=2), size=(30, 26))
    cfg = tiny_config(tmp_path, 'dist', max_iters=2)
    cfg.log_level = 'INFO'
    config = str(tmp_path / 'tiny_sgn_dist.py')
    cfg.dump(config)
    log = dist_train_two(config, str(tmp_path / 'dist'), monkeypatch)
    assert re.search(r'Iter\(train\) \[2/2\].*loss_d_ukiyoe: [\d.]+', log), log
    state = _load_checkpoint(str(tmp_path / 'dist' / 'iter_2.pth'), map_location='cpu')
    assert state['state_dict']['pools.vangogh._extra_state']['images'].shape[0] == 4
