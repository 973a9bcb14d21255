"""Shared fixtures: CPU only, a few seconds at most."""
import copy
import itertools
import logging
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import mmkd_ext  # noqa: F401  (the compat layer before any mm* package is used)

# isort: split
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

# Test tensors are tiny: a second intra-op thread only adds OpenMP barriers, which spin for
# tens of milliseconds per op when the two cores are busy with other processes.
torch.set_num_threads(1)


class TinyRegressor(BaseModel):
    """One linear layer: the smallest model mmengine's Runner trains."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)

    def forward(self, inputs: torch.Tensor, targets: torch.Tensor = None, mode: str = 'tensor'):
        out = self.fc(inputs)
        return {'loss_mse': F.mse_loss(out, targets)} if mode == 'loss' else out


def _tiny_dataset(n: int = 8) -> list:
    x = torch.randn(n, 4, generator=torch.Generator().manual_seed(0))
    return [dict(inputs=x[i], targets=2 * x[i, :1]) for i in range(n)]


def _tiny_runner(work_dir, max_iters: int, **kwargs) -> Runner:
    """A Runner on mmkd_ext's default runtime: SGD with momentum, a step schedule at
    iteration 2 and a checkpoint every 2 iterations."""
    runtime = Config.fromfile(osp.join(REPO, 'configs', '_base_', 'default_runtime.py'))
    runtime.default_hooks.checkpoint.interval = 2
    return Runner(
        model=TinyRegressor(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=_tiny_dataset(),
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_size=2,
            collate_fn=dict(type='default_collate')),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        param_scheduler=dict(type='MultiStepLR', milestones=[2], gamma=0.1, by_epoch=False),
        default_scope=runtime.default_scope,
        default_hooks=runtime.default_hooks,
        env_cfg=runtime.env_cfg,
        log_processor=runtime.log_processor,
        visualizer=runtime.visualizer,
        log_level='WARNING',
        randomness=dict(seed=0),
        **kwargs)


@pytest.fixture(scope='session')
def tiny_runner():
    """``tiny_runner(work_dir, max_iters, **runner_kwargs)`` builds a small real Runner."""
    return _tiny_runner


@pytest.fixture(scope='session')
def mmengine_checkpoint(tmp_path_factory) -> str:
    """Path of ``iter_4.pth`` written by mmengine's CheckpointHook after 4 iterations
    (``iter_2.pth`` lies beside it): weights, optimizer and scheduler state, the message
    hub's HistoryBuffers and numpy scalars, as every mmengine checkpoint holds them."""
    work_dir = tmp_path_factory.mktemp('tiny_run')
    saved = copy.copy(DefaultScope._instance_dict)
    _tiny_runner(work_dir, max_iters=4).train()
    DefaultScope._instance_dict = saved
    return str(work_dir / 'iter_4.pth')


@pytest.fixture(autouse=True, scope='session')
def _distinct_experiment_names():
    """mmengine names a runner's logger, message hub and visualizer after the second it was
    built in; a resume test builds two runners within one second, and the second would write
    its pictures and scalars through the first one's. Every runner built in the test process
    without an explicit ``experiment_name`` gets a numbered one."""
    numbers = itertools.count()
    original = Runner.__init__

    def init(self, *args, experiment_name=None, **kwargs):
        if experiment_name is None:
            experiment_name = f'test_run{next(numbers)}'
        original(self, *args, experiment_name=experiment_name, **kwargs)

    Runner.__init__ = init
    yield
    Runner.__init__ = original


@pytest.fixture(autouse=True)
def _forget_runner_singletons():
    """Runners register a default scope, a logger and a visualizer process-wide, named after
    the second they were built in. Two runners built in the same second by different tests
    would share the first one's logger and visualizer, which write into the first test's
    work_dir. Each test keeps what it created to itself."""
    from mmengine.logging import MMLogger
    from mmengine.visualization import Visualizer
    managed = (DefaultScope, MMLogger, Visualizer)
    saved = {cls: copy.copy(cls._instance_dict) for cls in managed}
    yield
    for name, logger in list(MMLogger._instance_dict.items()):
        if name not in saved[MMLogger]:
            for handler in list(logger.handlers):
                if isinstance(handler, logging.FileHandler):
                    handler.close()
                    logger.removeHandler(handler)
    for cls in managed:
        cls._instance_dict = saved[cls]
