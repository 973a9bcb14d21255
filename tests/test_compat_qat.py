"""The compat shims that make MMRazor 1.0's quantization-aware training run on torch 2.x,
applied when the first quantizer is built."""
import subprocess
import sys

import pytest
import torch
from torch import nn

from mmkd_ext.compat import mmrazor as razor_qat
from tests.models.algorithms._kd_students import LSQ_QCONFIG

#: An MMRazor quantizer as its LSQ recipe configures it (OpenVINO, 8-bit, learned steps).
QUANTIZER = dict(type='mmrazor.OpenVINOQuantizer', global_qconfig=LSQ_QCONFIG,
                 tracer=dict(type='mmrazor.CustomTracer'))

def build_quantizer():
    import mmrazor.models  # noqa: F401  (registers the quantizers)
    from mmrazor.registry import MODELS
    return MODELS.build(QUANTIZER)


@pytest.fixture(scope='module', autouse=True)
def quantizer_built():
    """The repairs below are in place once a quantizer has been built."""
    return build_quantizer()


def test_import_leaves_mmrazor_alone_until_a_quantizer_is_built():
    """In a fresh process: ``import mmkd_ext`` + ``import mmrazor.models`` change nothing of
    MMRazor's quantization code; building a quantizer applies every repair."""
    code = f"""
import mmkd_ext
import mmrazor.models
from mmrazor.structures.quantization.backend_config import BackendConfigs
from mmrazor.models.quantizers import native_quantizer
from mmrazor.engine.runner.quantization_loops import LSQEpochBasedLoop
from mmrazor.models.algorithms.quantization.mm_architecture import MMArchitectureQuantDDP
def state():
    return (any(isinstance(c.pattern, tuple) for c in BackendConfigs['openvino'].configs),
            getattr(native_quantizer._fuse_fx, '_mmkd_keyword', False),
            getattr(LSQEpochBasedLoop, '_mmkd_resume', False),
            getattr(MMArchitectureQuantDDP, '_mmkd_student', False))
print(state())
from mmrazor.registry import MODELS
MODELS.build({QUANTIZER!r})
print(state())
"""
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    before, after = proc.stdout.strip().splitlines()[-2:]
    assert before == '(True, False, False, False)'
    assert after == '(False, True, True, True)'


def test_backend_configs_use_torch2s_reversed_pattern_slot():
    from mmrazor.structures.quantization.backend_config import BackendConfigs
    for name, backend_config in BackendConfigs.items():
        for config in backend_config.configs:
            assert not isinstance(config.pattern, tuple), (name, config.pattern)
        patterns = backend_config._pattern_complex_format_to_config
        assert (nn.ReLU, (nn.BatchNorm2d, nn.Conv2d)) in patterns, name


def test_fusers_take_the_modules_in_pattern_order():
    conv, bn, relu = nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU()
    conv_relu = razor_qat._forward_order_fuser((nn.ReLU, nn.Conv2d), None)(True, relu, conv)
    assert type(conv_relu).__name__ == 'ConvReLU2d' and conv_relu[0] is conv
    fused = razor_qat._forward_order_fuser(
        (torch.nn.functional.relu, (nn.BatchNorm2d, nn.Conv2d)), None)(True, relu, (bn, conv))
    assert type(fused).__name__ == 'ConvBnReLU2d' and fused[0] is conv and fused[1] is bn

    def own(is_qat, a, b):
        return (a, b)

    assert razor_qat._forward_order_fuser((nn.Hardswish, nn.Linear), own) is own


def test_fuse_fx_accepts_mmrazors_keyword():
    from mmrazor.models.quantizers import native_quantizer
    graph = torch.fx.symbolic_trace(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2),
                                                  nn.ReLU()))
    fused = native_quantizer._fuse_fx(graph_module=graph, is_qat=True)
    assert type(fused.get_submodule('0')).__name__ == 'ConvBnReLU2d'


def test_shims_are_idempotent():
    from mmrazor.structures.quantization.backend_config import BackendConfigs

    from mmkd_ext import compat
    before = dict(BackendConfigs)
    compat.apply()
    razor_qat.repair()
    build_quantizer()
    assert all(BackendConfigs[k] is v for k, v in before.items())


def test_lsq_loop_keeps_restored_step_sizes_after_resume():
    from types import SimpleNamespace

    from mmrazor.engine.runner.quantization_loops import LSQEpochBasedLoop
    hooks = []
    runner = SimpleNamespace(call_hook=hooks.append)
    for start, estimates in ((0, True), (6, False)):
        loop = object.__new__(LSQEpochBasedLoop)  # no runner or data: only run()'s start
        loop._runner, loop._epoch, loop._max_epochs = runner, 0, 0
        loop._iter, loop.is_first_batch = start, True
        loop.run()
        assert loop.is_first_batch is estimates, start
    assert hooks == ['before_train', 'after_train'] * 2


def test_quant_ddp_finds_the_quantized_student():
    from mmrazor.models.algorithms import MMArchitectureQuant
    student = object.__new__(MMArchitectureQuant)
    nn.Module.__init__(student)
    distiller = nn.Module()
    distiller.student, distiller.teacher = student, nn.Linear(2, 2)
    assert razor_qat._quantized_architecture(distiller) is student
    assert razor_qat._quantized_architecture(student) is student
    try:
        razor_qat._quantized_architecture(distiller.teacher)
    except TypeError as e:
        assert 'holding one MMArchitectureQuant, got Linear with 0' in str(e)
    else:
        raise AssertionError('a model without a quantized architecture was accepted')
