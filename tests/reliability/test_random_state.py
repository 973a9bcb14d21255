"""RandomStateHook: a training step that draws from torch's generator resumes exactly."""
import torch
import torch.nn.functional as F

from mmkd_ext.engine.hooks import RandomStateHook
from tests.conftest import TinyRegressor


class Noisy(TinyRegressor):
    """Adds torch-random noise to its inputs in training (as SGN draws its ``s``)."""

    def forward(self, inputs, targets=None, mode='tensor'):
        if mode != 'loss':
            return self.fc(inputs)
        noisy = inputs + 0.5 * torch.randn_like(inputs)
        return {'loss_mse': F.mse_loss(self.fc(noisy), targets)}


def _train(tiny_runner, work_dir, name, with_hook: bool, **kwargs):
    runner = tiny_runner(work_dir, max_iters=4, experiment_name=name, **kwargs)
    runner.model = Noisy()
    runner.model.load_state_dict(TinyRegressor().state_dict())
    if not with_hook:
        runner._hooks = [h for h in runner.hooks if not isinstance(h, RandomStateHook)]
    runner.train()
    return runner.model.fc.weight.detach().clone()


def test_resumed_run_draws_what_the_uninterrupted_run_drew(tmp_path, tiny_runner):
    full = _train(tiny_runner, tmp_path / 'full', 'full', True)
    resumed = _train(tiny_runner, tmp_path / 'resumed', 'resumed', True,
                     load_from=str(tmp_path / 'full' / 'iter_2.pth'), resume=True)
    assert torch.equal(full, resumed)
    assert 'torch_random_state' in torch.load(tmp_path / 'full' / 'iter_2.pth')


def test_without_the_hook_the_resumed_run_diverges(tmp_path, tiny_runner):
    full = _train(tiny_runner, tmp_path / 'full', 'full2', False)
    resumed = _train(tiny_runner, tmp_path / 'resumed', 'resumed2', False,
                     load_from=str(tmp_path / 'full' / 'iter_2.pth'), resume=True)
    assert not torch.equal(full, resumed)


class Jittered(torch.utils.data.Dataset):
    """Inputs shifted by numpy and python draws in ``__getitem__``, as random crops and flips
    of a data pipeline draw."""

    def __init__(self):
        self.x = torch.randn(8, 4, generator=torch.Generator().manual_seed(0))

    def __len__(self):
        return 8

    def __getitem__(self, i):
        import random

        import numpy as np
        shift = float(np.random.uniform(-0.5, 0.5)) + random.uniform(-0.5, 0.5)
        return dict(inputs=self.x[i] + shift, targets=2 * self.x[i, :1])


def _train_epochs(work_dir, name, **kwargs):
    import os.path as osp

    from mmengine.config import Config
    from mmengine.runner import Runner

    from tests.conftest import REPO
    runtime = Config.fromfile(osp.join(REPO, 'configs', '_base_', 'default_runtime.py'))
    runtime.default_hooks.checkpoint.update(interval=1, by_epoch=True)
    model = TinyRegressor()
    runner = Runner(
        model=model, work_dir=str(work_dir), experiment_name=name,
        train_dataloader=dict(dataset=Jittered(), batch_size=4, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=True),
                              collate_fn=dict(type='default_collate')),
        train_cfg=dict(by_epoch=True, max_epochs=3),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_scope=runtime.default_scope, default_hooks=runtime.default_hooks,
        env_cfg=runtime.env_cfg, log_level='WARNING', randomness=dict(seed=0), **kwargs)
    runner.train()
    return model.fc.weight.detach().clone()


def test_epoch_based_resume_restores_the_pipelines_numpy_and_python_draws(tmp_path):
    full = _train_epochs(tmp_path / 'full', 'epochs_full')
    resumed = _train_epochs(tmp_path / 'resumed', 'epochs_resumed',
                            load_from=str(tmp_path / 'full' / 'epoch_1.pth'), resume=True)
    assert torch.equal(full, resumed)
