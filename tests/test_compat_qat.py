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
