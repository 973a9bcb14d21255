"""The compat shims that make MMRazor 1.0's quantization-aware training run on torch 2.x."""
import torch
from torch import nn

from mmkd_ext import compat


def test_backend_configs_use_torch2s_reversed_pattern_slot():
    from mmrazor.structures.quantization.backend_config import BackendConfigs
    for name, backend_config in BackendConfigs.items():
        for config in backend_config.configs:
            assert not isinstance(config.pattern, tuple), (name, config.pattern)
        patterns = backend_config._pattern_complex_format_to_config
        assert (nn.ReLU, (nn.BatchNorm2d, nn.Conv2d)) in patterns, name


def test_fusers_take_the_modules_in_pattern_order():
    conv, bn, relu = nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU()
    conv_relu = compat._forward_order_fuser((nn.ReLU, nn.Conv2d), None)(True, relu, conv)
    assert type(conv_relu).__name__ == 'ConvReLU2d' and conv_relu[0] is conv
    fused = compat._forward_order_fuser(
        (torch.nn.functional.relu, (nn.BatchNorm2d, nn.Conv2d)), None)(True, relu, (bn, conv))
    assert type(fused).__name__ == 'ConvBnReLU2d' and fused[0] is conv and fused[1] is bn

    def own(is_qat, a, b):
        return (a, b)

    assert compat._forward_order_fuser((nn.Hardswish, nn.Linear), own) is own


def test_fuse_fx_accepts_mmrazors_keyword():
    from mmrazor.models.quantizers import native_quantizer
    graph = torch.fx.symbolic_trace(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2),
                                                  nn.ReLU()))
    fused = native_quantizer._fuse_fx(graph_module=graph, is_qat=True)
    assert type(fused.get_submodule('0')).__name__ == 'ConvBnReLU2d'


def test_shims_are_idempotent():
    from mmrazor.structures.quantization.backend_config import BackendConfigs
    before = dict(BackendConfigs)
    compat.apply()
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
    assert compat._quantized_architecture(distiller) is student
    assert compat._quantized_architecture(student) is student
    try:
        compat._quantized_architecture(distiller.teacher)
    except TypeError as e:
        assert 'holding one MMArchitectureQuant, got Linear with 0' in str(e)
    else:
        raise AssertionError('a model without a quantized architecture was accepted')
