"""mmengine 0.10.7 on CPU-only hosts, setuptools >= 81, and models with non-tensor state."""
import importlib
import importlib.util
import os.path as osp
from typing import Optional

import torch

from ._imports import after_import

__all__ = ['apply', 'setup_cpu_distributed']


def _package_helpers() -> None:
    """Where mmengine 0.10.7 finds a package for ``_base_ = 'pkg::...'`` inheritance.

    ``get_installed_path`` answers with pkg_resources' distribution location plus the package
    name. After an editable install (``pip install -e .``, setuptools >= 64) that location is
    site-packages, where the package is not, so ``mmkd_ext::`` configs (``mmkd_ext/.mim``)
    were not found outside the checkout. Here it answers with the folder Python imports the
    package from whenever it can be imported. And setuptools >= 81 removed
    ``pkg_resources`` (requirements/build.txt pins < 81): ``is_installed`` then falls back
    to importlib.metadata. Remove when mmengine locates packages with importlib."""
    from mmengine.utils import package_utils
    if getattr(package_utils.get_installed_path, '_mmkd_imported_from', False):
        return
    import importlib.metadata as metadata
    with_pkg_resources = importlib.util.find_spec('pkg_resources') is not None
    by_distribution = package_utils.get_installed_path

    def is_installed(package: str) -> bool:
        try:
            metadata.distribution(package)
            return True
        except metadata.PackageNotFoundError:
            spec = importlib.util.find_spec(package)
            return spec is not None and spec.origin is not None

    def get_installed_path(package: str) -> str:
        spec = importlib.util.find_spec(package.replace('-', '_'))
        if spec is not None and spec.origin is not None:
            return osp.dirname(spec.origin)
        if with_pkg_resources:
            return by_distribution(package)
        dist = metadata.distribution(package)
        top = (dist.read_text('top_level.txt') or '').split()
        return str(dist.locate_file(top[0] if top else package))

    get_installed_path._mmkd_imported_from = True
    for module_name in ('mmengine.utils', 'mmengine.utils.package_utils',
                        'mmengine.config.config', 'mmengine.hub.hub'):
        module = importlib.import_module(module_name)
        if hasattr(module, 'is_installed') and not with_pkg_resources:
            module.is_installed = is_installed
        if hasattr(module, 'get_installed_path'):
            module.get_installed_path = get_installed_path


def _distributed_on_cpu() -> None:
    """mmengine 0.10.7 assumes one GPU per process under ``--launcher pytorch``:
    ``_init_dist_pytorch`` calls ``torch.cuda.set_device`` and passes the config's
    ``dist_cfg.backend`` (``'nccl'`` in every OpenMMLab runtime config, ours included), and
    ``Runner.wrap_model`` gives ``MMDistributedDataParallel`` ``device_ids=[LOCAL_RANK]``,
    which torch refuses for a module on the CPU. On a host without an accelerator, use gloo,
    skip ``set_device`` and drop ``device_ids`` for CPU modules; hosts with CUDA (and the
    deepspeed / colossalai back-ends) are untouched. Remove when mmengine runs DDP on CPU."""
    from mmengine.dist import utils as dist_utils
    from mmengine.model.wrappers import MMDistributedDataParallel
    if getattr(dist_utils, '_mmkd_cpu_fallback', False):
        return
    dist_utils._mmkd_cpu_fallback = True
    init_dist_pytorch = dist_utils._init_dist_pytorch
    ddp_init = MMDistributedDataParallel.__init__

    def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
        from mmengine.device import get_device
        if get_device() not in ('cpu', 'mps') or init_backend != 'torch':
            return init_dist_pytorch(backend, init_backend=init_backend, **kwargs)
        torch.distributed.init_process_group(
            backend='gloo' if backend == 'nccl' else backend, **kwargs)

    def __init__(self, module, detect_anomalous_params: bool = False, **kwargs):
        on_cpu = all(p.device.type == 'cpu' for p in module.parameters())
        if on_cpu and kwargs.get('device_ids') is not None:
            kwargs['device_ids'] = None
        ddp_init(self, module, detect_anomalous_params=detect_anomalous_params, **kwargs)

    dist_utils._init_dist_pytorch = _init_dist_pytorch
    MMDistributedDataParallel.__init__ = __init__


def setup_cpu_distributed(cfg) -> Optional[str]:
    """Use the gloo backend for a distributed launch on a machine without an accelerator.

    OpenMMLab runtime configs say ``dist_cfg=dict(backend='nccl')``, which needs GPUs; the
    rest of DDP on CPU (no ``torch.cuda.set_device``, no DDP ``device_ids``) is what
    :func:`apply` changes in mmengine. Call it on the config before the runner is built.

    Args:
        cfg (mmengine.Config): the merged config; ``cfg.launcher`` is read and
            ``cfg.env_cfg.dist_cfg.backend`` may be set.

    Returns:
        A note for the log, or None when nothing was changed.

    Raises:
        ValueError: a launcher other than ``pytorch`` on a host without GPUs (mmengine's
            slurm / mpi set-up sets a CUDA device per process).
    """
    from mmengine.config import ConfigDict
    from mmengine.device import get_device
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or get_device() != 'cpu':
        return None
    if launcher != 'pytorch':
        raise ValueError(f'--launcher {launcher} needs GPUs (mmengine sets a CUDA device per '
                         'process); on CPU use --launcher pytorch (tools/dist_train.sh)')
    env_cfg = cfg.get('env_cfg') or ConfigDict()
    dist_cfg = env_cfg.get('dist_cfg') or ConfigDict()
    requested = dist_cfg.get('backend', 'nccl')
    if requested == 'gloo':
        return None
    dist_cfg.backend = 'gloo'
    env_cfg.dist_cfg = dist_cfg
    cfg.env_cfg = env_cfg
    return f'no GPU found: distributed backend {requested!r} replaced by gloo (DDP on CPU)'


def _broadcast_tensor_states_only(runner_module) -> None:
    """mmengine 0.10.7's ``Runner._init_model_weights`` broadcasts every entry of the
    model's ``state_dict()`` from rank 0 after ``init_weights``; an ``_extra_state`` entry
    (torch lets ``get_extra_state`` return any picklable object: SGN's image pools return a
    dict) fails in every process with "'dict' object has no attribute 'contiguous'".
    Broadcast tensors and leave other entries as they are (each process builds the same
    empty pools). Remove when mmengine skips non-tensor state."""
    broadcast = runner_module.broadcast
    if getattr(broadcast, '_mmkd_tensors_only', False):
        return

    def broadcast_tensors(data, *args, **kwargs):
        if isinstance(data, torch.Tensor):
            return broadcast(data, *args, **kwargs)
        return None

    broadcast_tensors._mmkd_tensors_only = True
    runner_module.broadcast = broadcast_tensors


def apply() -> None:
    """Apply the mmengine shims (idempotent)."""
    _package_helpers()
    _distributed_on_cpu()
    after_import('mmengine.runner.runner', _broadcast_tensor_states_only)
