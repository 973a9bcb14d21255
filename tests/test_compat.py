"""Safe checkpoint loading (mmkd_ext.checkpoint) and the compat layer: numpy / torch / mmcls
shims, idempotence."""
import collections
import os
import os.path as osp
import pickle
import re
import socket
import sys

import numpy as np
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader, load_checkpoint

from mmkd_ext import checkpoint, compat
from mmkd_ext.checkpoint import UnsafeCheckpointError

from .conftest import REPO, TinyRegressor


class _CallsSystem:
    """Unpickles as ``os.system(command)``."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


class _LooksUp:
    """Unpickles as ``getattr(obj, name)``."""

    def __init__(self, obj, name: str):
        self.obj, self.name = obj, name

    def __reduce__(self):
        return getattr, (self.obj, self.name)


def _save_checkpoint(path, payload) -> str:
    torch.save({'state_dict': TinyRegressor().state_dict(), 'meta': payload}, str(path))
    return str(path)


LOADERS = {
    'runner.load_checkpoint': lambda path: load_checkpoint(TinyRegressor(), path),
    'CheckpointLoader': lambda path: CheckpointLoader.load_checkpoint(path),
}


@pytest.mark.parametrize('loader', sorted(LOADERS))
def test_code_running_pickle_is_refused(tmp_path, loader):
    marker = tmp_path / 'pwned'
    path = _save_checkpoint(tmp_path / 'evil.pth', _CallsSystem(f'touch {marker}'))
    with pytest.raises(UnsafeCheckpointError) as info:
        LOADERS[loader](path)
    message = str(info.value)
    assert path in message
    assert f'{os.system.__module__}.system' in message  # posix.system
    assert not marker.exists()


@pytest.mark.parametrize('obj, name, shown', [
    (collections.OrderedDict, '__init__', 'collections.OrderedDict'),
    (np.ndarray, 'tofile', 'numpy.ndarray'),
    (HistoryBuffer, '__init__', 'mmengine.logging.history_buffer.HistoryBuffer'),
])
@pytest.mark.parametrize('loader', sorted(LOADERS))
def test_getattr_outside_history_buffer_is_refused(tmp_path, loader, obj, name, shown):
    path = _save_checkpoint(tmp_path / 'lookup.pth', _LooksUp(obj, name))
    with pytest.raises(UnsafeCheckpointError) as info:
        LOADERS[loader](path)
    message = str(info.value)
    assert path in message
    assert f'builtins.getattr({shown}' in message and repr(name) in message


def test_plain_torch_load_refuses_too(tmp_path):
    marker = tmp_path / 'pwned'
    path = _save_checkpoint(tmp_path / 'evil.pth', _CallsSystem(f'touch {marker}'))
    with pytest.raises(pickle.UnpicklingError, match='posix.system|os.system'):
        torch.load(path)
    assert not marker.exists()


def test_mmengine_checkpoint_loads(mmengine_checkpoint):
    raw = torch.load(mmengine_checkpoint)  # torch's default: weights_only=True
    assert raw['meta']['iter'] == 4
    scalars = raw['message_hub']['log_scalars']
    assert isinstance(scalars['train/loss'], HistoryBuffer)
    assert scalars['train/loss'].mean() == pytest.approx(scalars['train/loss'].data[0].mean())

    model = TinyRegressor()
    checkpoint = load_checkpoint(model, mmengine_checkpoint)
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, raw['state_dict'][key])
    assert set(checkpoint) >= {'meta', 'state_dict', 'optimizer', 'param_schedulers'}


class _RecordStart(Hook):
    """Keeps the state a resumed run starts from."""

    def before_train(self, runner):
        optimizer = runner.optim_wrapper.optimizer
        self.iter = runner.iter
        self.lr = optimizer.param_groups[0]['lr']
        self.momentum = {i: s['momentum_buffer'].clone() for i, s in optimizer.state.items()}


def test_resume_continues_from_saved_iteration(tmp_path, tiny_runner, mmengine_checkpoint):
    saved = torch.load(mmengine_checkpoint)
    start = _RecordStart()
    runner = tiny_runner(
        tmp_path, max_iters=6, load_from=mmengine_checkpoint, resume=True, custom_hooks=[start])
    runner.train()

    assert start.iter == 4
    assert start.lr == pytest.approx(0.01)  # MultiStepLR stepped at iteration 2
    saved_state = saved['optimizer']['state']
    assert len(start.momentum) == len(saved_state) == 2
    for buffer, state in zip(start.momentum.values(), saved_state.values()):
        torch.testing.assert_close(buffer, state['momentum_buffer'])
    assert runner.iter == 6
    assert osp.exists(tmp_path / 'iter_6.pth')


def test_weights_only_is_never_switched_off(mmengine_checkpoint):
    assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' not in os.environ
    pattern = re.compile(r'weights_only\s*=\s*False|TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD')
    offenders = []
    for top in ('mmkd_ext', 'tools', 'configs'):
        for root, _, files in os.walk(osp.join(REPO, top)):
            for name in files:
                if name.endswith(('.py', '.sh')):
                    path = osp.join(root, name)
                    with open(path, encoding='utf-8') as f:
                        if pattern.search(f.read()):
                            offenders.append(osp.relpath(path, REPO))
    assert offenders == []


def test_numpy_aliases():
    assert np.bool8 is np.bool_
    np.testing.assert_array_equal(np.in1d([[1, 2], [3, 4]], [2, 3]), [False, True, True, False])
    np.testing.assert_array_equal(np.in1d([1, 2], [2], invert=True), [True, False])


def test_mmrazor_imports_and_sees_mmcls_as_mmpretrain():
    import mmrazor.models  # noqa: F401
    from mmcls.models.heads import ClsHead
    from mmcls.structures import ClsDataSample
    from mmpretrain.models.heads import ClsHead as PretrainClsHead
    from mmpretrain.structures import DataSample
    from mmrazor.datasets.transforms import formatting
    from mmrazor.registry import MODELS
    assert ClsDataSample is DataSample and ClsHead is PretrainClsHead
    assert sys.modules['mmcls.models.heads'] is sys.modules['mmpretrain.models.heads']
    # MMRazor's `try: from mmcls ... except ImportError: placeholder` blocks now import
    assert formatting.ClsDataSample is DataSample
    assert MODELS.get('SingleTeacherDistill') is not None


def _shim_state() -> dict:
    import torch.ao.quantization.fuser_method_mappings as fmm
    from mmengine.config import utils as config_utils
    from mmengine.dist import utils as dist_utils
    from mmengine.model.wrappers import MMDistributedDataParallel
    from mmengine.registry import Registry
    from torch.ao.quantization.backend_config import BackendPatternConfig
    return dict(
        meta_path=list(sys.meta_path),
        split_scope_key=Registry.__dict__['split_scope_key'],
        search_child=Registry._search_child,
        load_checkpoint=CheckpointLoader.__dict__['load_checkpoint'],
        safe_globals=len(torch.serialization.get_safe_globals()),
        module2package=dict(config_utils.MODULE2PACKAGE),
        in1d=np.in1d,
        reverse2=fmm.reverse2,
        set_observed=BackendPatternConfig._set_input_output_observed,
        init_dist=dist_utils._init_dist_pytorch,
        ddp_init=MMDistributedDataParallel.__init__,
    )


def test_apply_is_idempotent():
    before = _shim_state()
    compat.apply()
    compat.apply()
    checkpoint.install()
    assert _shim_state() == before
    assert sum(getattr(f, 'alias', None) == 'mmcls' for f in sys.meta_path) == 1


def test_old_import_path_of_the_checkpoint_policy():
    from mmkd_ext.compat import safe_globals, unsafe_checkpoint_error
    assert compat.UnsafeCheckpointError is UnsafeCheckpointError
    assert safe_globals is checkpoint.safe_globals
    assert unsafe_checkpoint_error is checkpoint.unsafe_checkpoint_error


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the CPU fallback')
def test_pytorch_launcher_runs_on_cpu(tmp_path, tiny_runner, monkeypatch):
    from mmengine.model.wrappers import MMDistributedDataParallel
    threads = str(torch.get_num_threads())  # else mmengine sets OMP/MKL_NUM_THREADS=1 for good
    for key, value in dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1', MASTER_ADDR='127.0.0.1',
                           MASTER_PORT=str(_free_port()), OMP_NUM_THREADS=threads,
                           MKL_NUM_THREADS=threads).items():
        monkeypatch.setenv(key, value)
    try:
        runner = tiny_runner(tmp_path, max_iters=2, launcher='pytorch')  # dist_cfg says nccl
        assert torch.distributed.get_backend() == 'gloo'
        runner.train()
        assert isinstance(runner.model, MMDistributedDataParallel)
        assert runner.iter == 2
    finally:
        if torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()
