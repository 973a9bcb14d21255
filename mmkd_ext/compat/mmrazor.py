"""MMRazor 1.0.0 quantization-aware training on torch 2.x, repaired when a quantizer is built.

:mod:`mmkd_ext.compat.torch` only lets ``import mmrazor.models`` succeed; the repairs here
make ``MMArchitectureQuant`` and its quantizers (OpenVINO, TensorRT, native, academic)
prepare, train, validate and resume. They patch MMRazor's modules the first time a quantizer
is built (``BaseQuantizer.__init__``: MMRazor's QAT configs, a ``LogitKD`` student built as
``MMArchitectureQuant``), so runs that never quantize leave MMRazor as it is. Checked with
torch 2.14.1 (tests/test_compat_qat.py).
"""
import importlib
import os

import torch

from ._imports import after_import

__all__ = ['apply', 'repair']


def _forward_order_fuser(pattern, fuser_method):
    """The fuser of torch's own table for an MMRazor fusion pattern, taking its modules in
    the reversed nested order of ``pattern`` (``(ReLU, (BatchNorm2d, Conv2d))``)."""
    from torch import nn
    from torch.ao.quantization import fuser_method_mappings as fmm
    last, rest = pattern
    forward = (*reversed(rest), last) if isinstance(rest, tuple) else (rest, last)
    relus = (torch.nn.functional.relu, torch.relu, nn.ReLU)
    key = tuple(nn.ReLU if op in relus else op for op in forward)
    fuser = fmm._DEFAULT_OP_LIST_TO_FUSER_METHOD.get(key)
    if fuser is None:  # not one of torch's fusions: keep MMRazor's own
        return fuser_method
    return fmm._reverse2(fuser) if len(key) == 2 else fmm._reverse3(fuser)


def _backend_configs_reversed_patterns(mapping) -> None:
    """MMRazor 1.0.0 (``structures/quantization/backend_config/*.py``) writes fusion and
    observation patterns in torch 1.13's reversed nested tuple format
    (``(nn.ReLU, (nn.BatchNorm2d, nn.Conv2d))``) as ``BackendPatternConfig(pattern)``;
    torch >= 2.0 reads that argument in forward order, so no conv+bn(+relu) pattern ever
    matches and fusion fails with "Incorrect types for input modules: ReLU and Conv2d".
    Re-register every tuple pattern as ``_pattern_complex_format`` (torch's name for the
    old format) and take the fuser from torch's own table, in the same order (the
    ``reverse_sequential_wrapper2`` stand-in of :mod:`mmkd_ext.compat.torch` does not swap
    its modules). Remove when MMRazor writes patterns for torch 2.x."""
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
        mapping.BackendConfigs[key] = fixed  # the dict the quantizers read, changed in place


def _fuse_fx_keyword(native_quantizer) -> None:
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


def _quant_ddp_finds_the_student(mm_architecture) -> None:
    """MMRazor 1.0.0's ``MMArchitectureQuantDDP`` (``models/algorithms/quantization/
    mm_architecture.py``), which its QAT configs name as ``model_wrapper_cfg``, rebuilds
    the quantized graphs of the wrapped model after DDP moved it, assuming that model is the
    ``MMArchitectureQuant``. With a teacher added around the quantized student it fails in
    every process ("'LogitKD' object has no attribute '_build_qmodels'"). Rebuild the graphs
    of the ``MMArchitectureQuant`` the wrapped model holds, itself or its student; the
    statistics are reset over the whole wrapped model, as upstream does. Remove when MMRazor
    supports distillers around quantized students."""
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


def _lsq_resume(loops) -> None:
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


#: module -> the repair applied to it.
REPAIRS = {
    'mmrazor.structures.quantization.backend_config.mapping':
    _backend_configs_reversed_patterns,
    'mmrazor.models.quantizers.native_quantizer': _fuse_fx_keyword,
    'mmrazor.models.algorithms.quantization.mm_architecture': _quant_ddp_finds_the_student,
    'mmrazor.engine.runner.quantization_loops': _lsq_resume,
}


def repair() -> None:
    """Apply every QAT repair (idempotent), importing the MMRazor modules they patch."""
    for name, fix in REPAIRS.items():
        fix(importlib.import_module(name))


def _repair_when_built(base) -> None:
    """Make ``BaseQuantizer.__init__`` (every MMRazor quantizer calls it first) repair."""
    quantizer = base.BaseQuantizer
    if getattr(quantizer, '_mmkd_repairs', False):
        return
    init = quantizer.__init__

    def __init__(self, *args, **kwargs):
        repair()
        init(self, *args, **kwargs)

    quantizer.__init__ = __init__
    quantizer._mmkd_repairs = True


def apply() -> None:
    """Arrange for :func:`repair` to run when the first MMRazor quantizer is built."""
    after_import('mmrazor.models.quantizers.base', _repair_when_built)
