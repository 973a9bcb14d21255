"""``leave_process_group`` frees the process group while Python still runs.

A DDP wrapper holds its process group: destroying the group while the wrapper lives only
unregisters it, and gloo's threads then end at interpreter shutdown, where a finished rank
could abort (``terminate called without an active exception``)."""
import os
import os.path as osp
import sys
import types

import pytest
import torch
import torch.distributed as dist
from mmengine.model import MMDistributedDataParallel

from mmkd_ext.apis.train import leave_process_group

pytestmark = pytest.mark.skipif(
    not (dist.is_available() and osp.isdir('/proc/self/task')) or sys.platform != 'linux',
    reason='needs torch.distributed and /proc/self/task')


def _threads() -> int:
    return len(os.listdir('/proc/self/task'))


@pytest.fixture
def ddp_runner(tmp_path):
    """A runner-like object whose model is DDP-wrapped in a one-process gloo group, after
    one training step."""
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0,
                            world_size=1)
    try:
        runner = types.SimpleNamespace(
            model=MMDistributedDataParallel(module=torch.nn.Linear(4, 2)))
        runner.model(torch.randn(3, 4)).sum().backward()
        yield runner  # (no other reference to the wrapper may stay here)
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def test_group_and_its_threads_are_freed(ddp_runner):
    before = _threads()
    leave_process_group(ddp_runner)
    assert not dist.is_initialized()
    assert type(ddp_runner.model) is torch.nn.Linear  # the plain model stays usable
    # gloo's worker threads ended with the group (they would outlive it while the
    # wrapper held it)
    assert _threads() < before


def test_nothing_happens_outside_a_distributed_launch():
    runner = types.SimpleNamespace(model=torch.nn.Linear(4, 2))
    model = runner.model
    leave_process_group(runner)
    leave_process_group()
    assert runner.model is model
