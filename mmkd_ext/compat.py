"""The one place that adapts the OpenMMLab stack to current numpy / torch.

mmengine 0.10.7, mmcv 2.1.0, mmpretrain 1.2.0, mmagic 1.2.0 and MMRazor 1.0.0 were released
for numpy 1.x and torch 1.x/2.0. Each shim below names what breaks, in which upstream
version, and when it can go. Every shim is idempotent and a no-op where the upstream
attribute already exists. :func:`apply` runs at ``import mmkd_ext``.
"""
import importlib
import importlib.abc
import importlib.util
import os.path as osp
import sys
from typing import Any, Dict, List, Optional

import numpy as np
import torch

__all__ = ['apply', 'SCOPE_ALIASES', 'UnsafeCheckpointError', 'safe_globals']

#: Registry scopes and config packages renamed upstream: ``mmcls`` 1.x became mmpretrain.
#: MMRazor 1.0's shipped configs still say ``_base_ = 'mmcls::...'`` and ``_scope_='mmcls'``.
SCOPE_ALIASES = {'mmcls': 'mmpretrain'}
#: Registered names that changed in the rename (mmcls 1.x name -> mmpretrain name), per
#: registry of ``mmpretrain.registry``.
MMCLS_RENAMES = {
    'TRANSFORMS': {'PackClsInputs': 'PackInputs'},
    'VISUALIZERS': {'ClsVisualizer': 'UniversalVisualizer'},
}
#: Module attributes that changed in the rename, per module below the package
#: (``from mmcls.structures import ClsDataSample`` in MMRazor 1.0.0's demo inputs, DARTS
#: head and CRD transforms).
MMCLS_MODULE_RENAMES = {
    'structures': {'ClsDataSample': 'DataSample'},
    'datasets': {'PackClsInputs': 'PackInputs'},
    'datasets.transforms': {'PackClsInputs': 'PackInputs'},
    'datasets.transforms.formatting': {'PackClsInputs': 'PackInputs'},
    'visualization': {'ClsVisualizer': 'UniversalVisualizer'},
}


def _numpy_aliases() -> None:
    """numpy 2.0 removed ``np.bool8`` (mmagic 1.2.0 ``utils/trans_utils.py`` uses it at
    import) and numpy 2.4 removed ``np.in1d`` (mmpretrain 1.2.0
    ``evaluation/metrics/retrieval.py``). Remove when both packages stop using them."""
    if not hasattr(np, 'bool8'):
        np.bool8 = np.bool_
    if not hasattr(np, 'in1d'):

        def in1d(ar1, ar2, assume_unique=False, invert=False):
            return np.isin(np.asarray(ar1).ravel(), ar2, assume_unique=assume_unique,
                           invert=invert)

        np.in1d = in1d


def _diffusers_module_path() -> None:
    """mmagic 1.2.0 (``editors/vico/vico_utils.py``) imports
    ``diffusers.models.unet_2d_condition``, moved to ``diffusers.models.unets`` in diffusers
    0.29. Remove when mmagic imports the new path."""
    import importlib.metadata as metadata
    try:
        major, minor = (int(v) for v in metadata.version('diffusers').split('.')[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return
    if (major, minor) >= (0, 29) and not any(
            getattr(f, 'alias', None) == 'diffusers.models.unet_2d_condition'
            for f in sys.meta_path):
        sys.meta_path.insert(0, _ModuleAlias('diffusers.models.unet_2d_condition',
                                             'diffusers.models.unets.unet_2d_condition'))


def _torch_ao_for_mmrazor() -> None:
    """MMRazor 1.0.0 builds torch.ao quantization backend configs at import time with
    helpers that torch 2.x removed (``reverse2``, ``reverse3``, ``reverse_sequential_wrapper2``
    in ``fuser_method_mappings``; ``BackendPatternConfig._set_overwrite_output_*`` and
    ``_set_input_output_observed``), so ``import mmrazor.models`` fails with "torch>=1.13 is
    not installed properly". These restore the import; they carry the torch 1.13 semantics.
    Remove when MMRazor supports torch 2.x."""
    import torch.ao.quantization.backend_config.utils  # noqa: F401  (used as an attribute)
    import torch.ao.quantization.fuser_method_mappings as fmm
    from torch.ao.quantization.backend_config import BackendPatternConfig

    if not hasattr(fmm, 'reverse2'):

        def reverse_sequential_wrapper2(sequential):
            return lambda is_qat, x, y: sequential(x, y)

        def reverse2(f):
            return lambda is_qat, x, y: f(is_qat, y, x)

        def reverse3(f):
            return lambda is_qat, x, w: f(is_qat, w[1], w[0], x)

        fmm.reverse_sequential_wrapper2 = reverse_sequential_wrapper2
        fmm.reverse2 = reverse2
        fmm.reverse3 = reverse3

    for name in ('_set_overwrite_output_fake_quantize', '_set_overwrite_output_observer',
                 '_set_input_output_observed'):
        if not hasattr(BackendPatternConfig, name):

            def setter(self, value, _attr='_mmkd' + name[4:]):
                setattr(self, _attr, value)
                return self

            setattr(BackendPatternConfig, name, setter)


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


def _package_helpers() -> None:
    """setuptools >= 81 removed ``pkg_resources``, which mmengine 0.10.7 uses in
    ``is_installed`` / ``get_installed_path`` for ``_base_ = 'pkg::...'`` inheritance.
    requirements/build.txt pins setuptools < 81; this covers environments that do not.
    Remove when mmengine uses importlib.metadata."""
    if importlib.util.find_spec('pkg_resources') is not None:
        return
    import importlib.metadata as metadata

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
        dist = metadata.distribution(package)
        top = (dist.read_text('top_level.txt') or '').split()
        return str(dist.locate_file(top[0] if top else package))

    for module_name in ('mmengine.utils', 'mmengine.utils.package_utils',
                        'mmengine.config.config', 'mmengine.hub.hub'):
        module = importlib.import_module(module_name)
        if hasattr(module, 'is_installed'):
            module.is_installed = is_installed
        if hasattr(module, 'get_installed_path'):
            module.get_installed_path = get_installed_path


class _ModuleAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``alias`` and ``alias.x.y`` as the modules ``target`` and ``target.x.y``.

    The alias is the target module object itself (not a copy), so patching a function or
    method through the old path (MMRazor's recorders do) patches the code that runs.
    ``renames`` maps a submodule (``'structures'``, ``''`` for the package) to
    ``{old_name: new_name}``: the old names are added to the target module the first time
    it is imported through the alias, never before.
    """

    def __init__(self, alias: str, target: str,
                 renames: Optional[Dict[str, Dict[str, str]]] = None):
        self.alias, self.target = alias, target
        self.renames = renames or {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.alias or fullname.startswith(self.alias + '.'):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        suffix = spec.name[len(self.alias):]
        module = importlib.import_module(self.target + suffix)
        for old, new in self.renames.get(suffix.lstrip('.'), {}).items():
            if not hasattr(module, old):
                setattr(module, old, getattr(module, new))
        return module

    def exec_module(self, module):
        pass


def _mmcls_is_mmpretrain() -> None:
    """mmcls 1.x was renamed mmpretrain (1.0.0rc7); MMRazor 1.0.0's 185 shipped configs still
    inherit ``mmcls::`` configs, build ``mmcls.*`` types and record ``mmcls.models...``
    methods, and its code imports ``mmcls`` inside ``try/except ImportError`` blocks that
    fall back to placeholders (so ``import mmkd_ext`` must come before ``import mmrazor``).
    Make the config package, the registry scope and the module path ``mmcls`` resolve to
    mmpretrain (only where no real mmcls is installed), with the names that the rename
    changed (:data:`MMCLS_RENAMES`, :data:`MMCLS_MODULE_RENAMES`), and let mmengine's config
    parser accept ``mmkd_ext::``. Remove when MMRazor's code and configs say mmpretrain."""
    from mmengine.config import utils as config_utils
    from mmengine.registry import Registry

    config_utils.MODULE2PACKAGE.setdefault('mmkd_ext', 'mmkd_ext')
    if importlib.util.find_spec('mmcls') is not None or importlib.util.find_spec(
            'mmpretrain') is None:
        return
    if getattr(Registry, '_mmkd_scope_aliases', False):
        return
    Registry._mmkd_scope_aliases = True
    config_utils.MODULE2PACKAGE['mmcls'] = 'mmpretrain'
    sys.meta_path.insert(0, _ModuleAlias('mmcls', 'mmpretrain', MMCLS_MODULE_RENAMES))
    split_scope_key = Registry.split_scope_key
    search_child = Registry._search_child

    def split_scope_key_aliased(key: str):
        scope, name = split_scope_key(key)
        if scope in SCOPE_ALIASES:
            _register_mmcls_renames()
            scope = SCOPE_ALIASES[scope]
        return scope, name

    def search_child_aliased(self, scope: str):
        if scope in SCOPE_ALIASES:
            _register_mmcls_renames()
            scope = SCOPE_ALIASES[scope]
        return search_child(self, scope)

    Registry.split_scope_key = staticmethod(split_scope_key_aliased)
    Registry._search_child = search_child_aliased


def _register_mmcls_renames() -> None:
    registry = importlib.import_module('mmpretrain.registry')
    for registry_name, renames in MMCLS_RENAMES.items():
        target = getattr(registry, registry_name)
        for old, new in renames.items():
            if old not in target.module_dict:
                target.register_module(name=old, module=target.get(new))


# --------------------------------------------------------------------------------------
# Checkpoints: weights-only loading with an explicit allow-list.
# --------------------------------------------------------------------------------------
class UnsafeCheckpointError(RuntimeError):
    """A checkpoint pickles a global that is not on the allow-list."""


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """Stands in for ``builtins.getattr`` while unpickling.

    mmengine's ``HistoryBuffer`` pickles its statistics methods as
    ``getattr(buffer, 'mean')``. A general ``getattr`` would let a pickle walk from any
    allowed object to ``__globals__`` and run code, so only attribute lookups of public
    methods on a ``HistoryBuffer`` are allowed.
    """
    from mmengine.logging import HistoryBuffer
    on_buffer = obj is HistoryBuffer or isinstance(obj, HistoryBuffer)
    if not on_buffer or name.startswith('_') or not callable(getattr(HistoryBuffer, name, None)):
        cls = obj if isinstance(obj, type) else type(obj)
        what = f'{cls.__module__}.{cls.__qualname__}' + ('' if cls is obj else ' object')
        raise UnsafeCheckpointError(
            f'checkpoint pickles builtins.getattr({what}, {name!r}); only public methods of '
            'mmengine.logging.HistoryBuffer may be looked up')
    return getattr(obj, name)


def safe_globals() -> List[Any]:
    """The globals that mmengine / mmagic / mmpretrain checkpoints hold besides tensors.

    Found by listing ``torch.serialization.get_unsafe_globals_in_checkpoint`` over
    checkpoints written by mmengine's ``CheckpointHook`` (message hub history, numpy
    scalars and arrays in logs and metrics).
    """
    from mmengine.logging import HistoryBuffer
    from numpy._core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(t)) for t in np.typecodes['All'] if t not in 'O']
    return [
        HistoryBuffer, np.ndarray, np.dtype, _reconstruct, scalar, *dtype_classes,
        (_history_buffer_getattr, 'builtins.getattr'),
        (_history_buffer_getattr, '__builtin__.getattr'),
    ]


def _checkpoint_allow_list() -> None:
    """torch >= 2.6 loads with ``weights_only=True``; mmengine 0.10.7 checkpoints pickle a
    few mmengine/numpy objects, so resume and ``load_checkpoint`` fail. Allow exactly those
    (never by switching weights-only loading off) and turn a refusal into an error that
    names the file."""
    torch.serialization.add_safe_globals(safe_globals())
    from mmengine.runner.checkpoint import CheckpointLoader
    if getattr(CheckpointLoader, '_mmkd_guarded', False):
        return
    CheckpointLoader._mmkd_guarded = True
    load_checkpoint = CheckpointLoader.load_checkpoint.__func__

    def guarded(cls, filename, map_location=None, logger='current'):
        try:
            return load_checkpoint(cls, filename, map_location, logger)
        except torch.serialization.pickle.UnpicklingError as error:
            raise unsafe_checkpoint_error(filename, error) from None
        except UnsafeCheckpointError as error:  # raised by the restricted getattr
            raise UnsafeCheckpointError(f'refusing to load {filename!r}: {error}') from None

    CheckpointLoader.load_checkpoint = classmethod(guarded)

    # mmengine 0.10.7 loads http(s)://, torchvision:// and open-mmlab:// checkpoints with
    # torch.hub.load_state_dict_from_url, whose weights_only defaults to False: the file in
    # torch's hub cache would be unpickled with code execution. Pin weights-only there too
    # (the allow-list above applies). Remove when mmengine passes weights_only itself.
    import functools

    from mmengine.runner import checkpoint as mm_checkpoint
    mm_checkpoint.load_url = functools.partial(torch.hub.load_state_dict_from_url,
                                               weights_only=True)


def unsafe_checkpoint_error(filename: str, error: Exception) -> UnsafeCheckpointError:
    """Build the error raised for a checkpoint refused by the weights-only unpickler."""
    try:
        names = torch.serialization.get_unsafe_globals_in_checkpoint(filename)
    except Exception:  # not a zip checkpoint, unreadable: the torch message says why
        names = []
    allowed = {'builtins.getattr', '__builtin__.getattr'}
    names = [n for n in names if n not in allowed] or ['(see below)']
    return UnsafeCheckpointError(
        f'refusing to load {filename!r}: it pickles {", ".join(names)}, which is not on '
        "mmkd_ext's allow-list of checkpoint globals (tensors, containers, numpy arrays "
        'and scalars, mmengine HistoryBuffer). Loading it could run arbitrary code. If you '
        'trust the file, convert it to a plain state_dict in a separate process. '
        f'torch said: {str(error).splitlines()[0]}')



# --------------------------------------------------------------------------------------
# MMRazor 1.0.0 quantization-aware training on torch 2.x. The import shims in
# `_torch_ao_for_mmrazor` only let `import mmrazor.models` succeed; these make
# `MMArchitectureQuant` + its quantizers (OpenVINO, TensorRT, native, academic) prepare,
# train and validate. They patch MMRazor's modules right after those are imported.
# --------------------------------------------------------------------------------------
class _AfterImport(importlib.abc.MetaPathFinder):
    """Run ``callback(module)`` right after the module ``name`` has been executed."""

    def __init__(self, name: str, callback):
        self.name, self.callback = name, callback

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)  # find the real spec, once
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        exec_module, callback = spec.loader.exec_module, self.callback

        class _Loader(importlib.abc.Loader):

            def create_module(self, spec):
                return None

            def exec_module(self, module):
                exec_module(module)
                callback(module)

        spec.loader = _Loader()
        return spec


def _after_import(name: str, callback) -> None:
    """Call ``callback(module)`` now if ``name`` is imported, else once it gets imported."""
    if name in sys.modules:
        callback(sys.modules[name])
    elif not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, callback))


def _forward_order_fuser(pattern, fuser_method):
    """The fuser of torch's own table for an MMRazor fusion pattern, taking its modules in
    the reversed nested order of ``pattern`` (``(ReLU, (BatchNorm2d, Conv2d))``)."""
    from torch.ao.quantization import fuser_method_mappings as fmm
    from torch import nn
    last, rest = pattern
    forward = (*reversed(rest), last) if isinstance(rest, tuple) else (rest, last)
    relus = (torch.nn.functional.relu, torch.relu, nn.ReLU)
    key = tuple(nn.ReLU if op in relus else op for op in forward)
    fuser = fmm._DEFAULT_OP_LIST_TO_FUSER_METHOD.get(key)
    if fuser is None:  # not one of torch's fusions: keep MMRazor's own
        return fuser_method
    return fmm._reverse2(fuser) if len(key) == 2 else fmm._reverse3(fuser)


def _mmrazor_backend_configs_reversed_patterns(mapping) -> None:
    """MMRazor 1.0.0 (``structures/quantization/backend_config/*.py``) writes fusion and
    observation patterns in torch 1.13's reversed nested tuple format
    (``(nn.ReLU, (nn.BatchNorm2d, nn.Conv2d))``) as ``BackendPatternConfig(pattern)``;
    torch >= 2.0 reads that argument in forward order, so no conv+bn(+relu) pattern ever
    matches and fusion fails with "Incorrect types for input modules: ReLU and Conv2d".
    Re-register every tuple pattern as ``_pattern_complex_format`` (torch's name for the
    old format) and take the fuser from torch's own table, in the same order (the
    ``reverse_sequential_wrapper2`` stand-in of ``_torch_ao_for_mmrazor`` does not swap its
    modules). Remove when MMRazor writes patterns for torch 2.x."""
    from torch.ao.quantization.backend_config import BackendConfig
    for key, backend_config in list(mapping.BackendConfigs.items()):
        if backend_config is None or getattr(backend_config, '_mmkd_patterns', False):
            continue
        fixed = BackendConfig(backend_config.name)
        for config in backend_config.configs:
            if isinstance(config.pattern, tuple):
                pattern, config.pattern = config.pattern, None
                config._pattern_complex_format = pattern
                if config.fuser_method is not None:
                    config.fuser_method = _forward_order_fuser(pattern, config.fuser_method)
            fixed.set_backend_pattern_config(config)
        fixed._mmkd_patterns = True
        mapping.BackendConfigs[key] = fixed


def _mmrazor_fuse_fx_keyword(native_quantizer) -> None:
    """MMRazor 1.0.0 (``models/quantizers/native_quantizer.py``) calls
    ``_fuse_fx(graph_module=...)``; torch 2.0 renamed that argument ``model`` ("_fuse_fx()
    got an unexpected keyword argument 'graph_module'"). Remove when MMRazor calls it with
    the torch 2.x name."""
    fuse_fx = native_quantizer._fuse_fx
    if getattr(fuse_fx, '_mmkd_keyword', False):
        return

    def _fuse_fx(graph_module=None, is_qat=False, **kwargs):
        return fuse_fx(kwargs.pop('model', graph_module), is_qat, **kwargs)

    _fuse_fx._mmkd_keyword = True
    native_quantizer._fuse_fx = _fuse_fx


def _quantized_architecture(model):
    """The ``MMArchitectureQuant`` in ``model``: the model itself, or the student of a
    distiller (``LogitKD(student=MMArchitectureQuant)``)."""
    from mmrazor.models.algorithms import MMArchitectureQuant
    found = [m for m in model.modules() if isinstance(m, MMArchitectureQuant)]
    if len(found) != 1:
        raise TypeError(f'MMArchitectureQuantDDP wraps a model holding one '
                        f'MMArchitectureQuant, got {type(model).__name__} with {len(found)}')
    return found[0]


def _mmrazor_quant_ddp_finds_the_student(mm_architecture) -> None:
    """MMRazor 1.0.0's ``MMArchitectureQuantDDP`` (``models/algorithms/quantization/
    mm_architecture.py``), which its QAT configs name as ``model_wrapper_cfg``, rebuilds
    the quantized graphs of the wrapped model after DDP moved it, assuming that model is the
    ``MMArchitectureQuant``. With a teacher added around the quantized student it fails in
    every process ("'LogitKD' object has no attribute '_build_qmodels'"). Rebuild the graphs
    of the ``MMArchitectureQuant`` the wrapped model holds, itself or its student; the
    statistics are reset over the whole wrapped model, as upstream does. Remove when MMRazor
    supports distillers around quantized students."""
    import os
    from mmengine.model import MMDistributedDataParallel
    wrapper = mm_architecture.MMArchitectureQuantDDP
    if getattr(wrapper, '_mmkd_student', False):
        return

    def __init__(self, *, device_ids=None, **kwargs):
        if device_ids is None and os.environ.get('LOCAL_RANK') is not None:
            device_ids = [int(os.environ['LOCAL_RANK'])]
        MMDistributedDataParallel.__init__(self, device_ids=device_ids, **kwargs)
        quant = _quantized_architecture(self.module)
        quant.qmodels = quant._build_qmodels(quant.architecture)
        quant.sync_qparams('tensor')
        quant.reset_observer_and_fakequant_statistics(self)

    wrapper.__init__ = __init__
    wrapper._mmkd_student = True


def _mmrazor_lsq_resume(loops) -> None:
    """MMRazor 1.0.0's ``LSQEpochBasedLoop`` (``engine/runner/quantization_loops.py``) sets
    ``is_first_batch = True`` when it is built and re-estimates every LSQ step size from the
    first batch it trains on. After ``--resume`` that overwrites the step sizes the
    checkpoint restored, so a resumed run does not continue the interrupted one. A loop that
    starts at a resumed iteration (``iter > 0``) skips the estimate. Remove when MMRazor
    resumes LSQ training."""
    loop = loops.LSQEpochBasedLoop
    if getattr(loop, '_mmkd_resume', False):
        return
    run = loop.run

    def run_resumed(self):
        if self._iter > 0:
            self.is_first_batch = False
        return run(self)

    loop.run = run_resumed
    loop._mmkd_resume = True


def _mmrazor_qat_on_torch2() -> None:
    """Quantization-aware training with MMRazor 1.0.0 on torch 2.x: see the shims above
    (checked with torch 2.14.1, tests/test_compat_qat.py)."""
    _after_import('mmrazor.structures.quantization.backend_config.mapping',
                  _mmrazor_backend_configs_reversed_patterns)
    _after_import('mmrazor.models.quantizers.native_quantizer', _mmrazor_fuse_fx_keyword)
    _after_import('mmrazor.models.algorithms.quantization.mm_architecture',
                  _mmrazor_quant_ddp_finds_the_student)
    _after_import('mmrazor.engine.runner.quantization_loops', _mmrazor_lsq_resume)


def apply() -> None:
    """Apply every shim. Safe to call more than once."""
    _numpy_aliases()
    _package_helpers()
    _mmcls_is_mmpretrain()
    _checkpoint_allow_list()
    _distributed_on_cpu()
    _after_import('mmengine.runner.runner', _broadcast_tensor_states_only)
    _diffusers_module_path()
    if importlib.util.find_spec('mmrazor') is not None:
        _torch_ao_for_mmrazor()
        _mmrazor_qat_on_torch2()
