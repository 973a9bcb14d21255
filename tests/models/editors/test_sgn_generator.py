import os.path as osp

import pytest
import torch
from mmengine.config import Config
from torch import nn

from mmkd_ext.models.editors.sgn_generator import ResizeConv, SGNGenerator, SymGate
from mmkd_ext.registry import MODELS

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', '..', 'configs', 'sgn')


def tiny(**kwargs) -> SGNGenerator:
    # seeded: with some draws a gate's ReLU is dead for the one test image and its first
    # layer gets an exact zero gradient, which the gradient test would read as a bug
    torch.manual_seed(0)
    gen = MODELS.build({**dict(type='SGNGenerator', num_terms=3, base_channels=4,
                               num_blocks=2), **kwargs})
    gen.init_weights()
    return gen


def test_shapes_range_and_gates_after_the_three_stages():
    gen = tiny()
    assert isinstance(gen, SGNGenerator)
    assert sorted(gen.gates) == ['0', '2', '4']  # first stage, downsampling, res blocks
    assert [g.fc2.out_features for g in gen.gates.values()] == [4, 16, 16]
    x = torch.rand(2, 3, 16, 16) * 2 - 1
    out = gen(x, torch.tensor([[1., 0, 0], [0, .3, .7]]))
    assert out.shape == (2, 3, 16, 16) and out.abs().max() <= 1


def test_s_conditions_the_output_and_extrapolation_is_accepted():
    gen = tiny()
    x = torch.rand(1, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        a = gen(x, torch.tensor([1., 0, 0]))
        b = gen(x, torch.tensor([0., 1, 0]))
        c = gen(x, torch.tensor([0., 1.5, -0.5]))  # outside the simplex
    assert not torch.allclose(a, b) and torch.isfinite(c).all()


@pytest.mark.parametrize('upsample', ['deconv', 'nearest', 'bilinear'])
def test_every_parameter_gets_a_gradient_and_s_one(upsample):
    gen = tiny(upsample=upsample)
    s = torch.tensor([[.2, .3, .5]], requires_grad=True)
    out = gen(torch.rand(2, 3, 16, 16), s.expand(2, 3))
    (out * torch.randn_like(out)).sum().backward()
    assert all(p.grad is not None for p in gen.parameters())
    # (the conv biases in front of InstanceNorm get only rounding noise)
    assert all(p.grad.abs().sum() > 0 for p in gen.gates.parameters())
    assert s.grad.abs().sum() > 0


def test_official_gate_width_by_default_and_the_full_width_as_ablation():
    # FC1 has C / 4 units (at least 1); W_c s is C wide
    gen = tiny(base_channels=8)
    assert [(g.embed.out_features, g.fc1.out_features) for g in gen.gates.values()] == [
        (8, 2), (32, 8), (32, 8)]
    assert tiny().gates['0'].fc1.out_features == 1  # 4 channels // 4
    wide = tiny(base_channels=8, gate_reduction=1)
    assert [g.fc1.out_features for g in wide.gates.values()] == [8, 32, 32]
    assert tiny(hidden_channels=5, embed_channels=3).gates['2'].fc1.weight.shape == (5, 16 + 3)


def uniform_bound(layer: nn.Module) -> float:
    # PyTorch's fan_in: weight.size(1) * kernel area, for Linear, Conv2d and (in, out, k, k)
    # ConvTranspose2d weights alike
    return 1 / layer.weight[0].numel() ** 0.5


def test_pytorch_default_initialisation_by_default():
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights and biases everywhere, not mmcv's Kaiming
    normal (std sqrt(2 / fan_out), zero bias) that ConvModule applies at construction."""
    gen = tiny()
    layers = [m for m in gen.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d,
                                                         nn.Linear))]
    assert any(isinstance(m, nn.ConvTranspose2d) for m in layers)
    for layer in layers:
        bound = uniform_bound(layer)
        assert float(layer.weight.abs().max()) <= bound + 1e-7, layer
        assert float(layer.bias.abs().max()) <= bound + 1e-7 and layer.bias.abs().sum() > 0
    conv = gen.body.model[1].conv  # 4 -> 8 channels, 3x3: bound 1/6, uniform std bound/sqrt3
    assert abs(float(conv.weight.std()) - 1 / 6 / 3 ** 0.5) < 0.02


def test_normal_initialisation_as_ablation():
    normal = tiny(init='normal')
    conv = normal.body.model[1].conv
    assert abs(float(conv.weight.std()) - 0.02) < 0.005 and float(conv.bias.abs().sum()) == 0
    bound = 1 / (16 + 16) ** 0.5  # gates keep PyTorch's Linear init (gate_init='default')
    assert float(normal.gates['2'].fc1.weight.abs().max()) <= bound
    assert float(normal.gates['2'].fc1.weight.std()) > 0.05
    both = tiny(init='normal', gate_init='normal', init_gain=0.05)
    assert abs(float(both.gates['2'].fc1.weight.std()) - 0.05) < 0.01
    assert float(both.gates['2'].fc1.bias.abs().sum()) == 0
    # the older spelling: init_cfg=dict(type='normal', gain=...) is init='normal'
    legacy = tiny(init_cfg=dict(type='normal', gain=0.02))
    assert legacy.init == 'normal' and legacy.init_cfg is None
    assert torch.equal(legacy.body.model[1].conv.weight, conv.weight)


@pytest.mark.parametrize('mode', ['nearest', 'bilinear'])
def test_resize_conv_upsampler(mode):
    gen = tiny(upsample=mode)
    ups = [gen.body.model[i] for i in (5, 6)]  # 1 stage, 2 downs, 2 blocks, then the ups
    assert all(isinstance(u, ResizeConv) and u[0].mode == mode for u in ups)
    assert [(u[1].conv.in_channels, u[1].conv.out_channels) for u in ups] == [(16, 8), (8, 4)]
    assert not any(isinstance(m, nn.ConvTranspose2d) for m in gen.modules())
    h = torch.rand(2, 16, 4, 4)
    assert ups[0](h).shape == (2, 8, 8, 8)
    with torch.no_grad():
        out = gen(torch.rand(2, 3, 16, 12) * 2 - 1, torch.tensor([.2, .3, .5]))
    assert out.shape == (2, 3, 16, 12) and out.abs().max() <= 1


def test_resize_conv_builds_from_a_config_override():
    cfg = Config.fromfile(osp.join(CONFIGS, 'sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_'
                                            'translation-demo.py'))
    cfg.merge_from_dict({'model.generator.upsample': 'nearest',
                         'model.generator.base_channels': 4, 'model.generator.num_blocks': 1})
    gen = MODELS.build(dict(cfg.model.generator, num_terms=3))
    assert isinstance(gen.body.model[4], ResizeConv)


def test_gate_formula():
    gate = SymGate(channels=2, num_terms=2, embed_channels=3, hidden_channels=4)
    h, s = torch.rand(1, 2, 3, 3), torch.tensor([[0.25, 0.75]])
    z = torch.cat([h.mean((2, 3)), torch.relu(gate.embed(s))], 1)
    g = torch.sigmoid(gate.fc2(torch.relu(gate.fc1(z))))
    assert torch.allclose(gate(h, s), h * g[:, :, None, None])


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_blocks=0), 'num_blocks'),
    (dict(gate_reduction=0), 'gate_reduction must be an int >= 1'),
    (dict(padding_mode='circular'), "\\['reflect', 'replicate', 'zeros'\\]"),
    (dict(init_cfg=dict(type='xavier')), "'normal' or 'Pretrained'"),
    (dict(gate_init='zeros'), "gate_init must be one of \\['default', 'normal'\\]"),
    (dict(init='kaiming'), "init must be one of \\['default', 'normal'\\]"),
    (dict(upsample='pixelshuffle'), "\\['deconv', 'nearest', 'bilinear'\\]"),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tiny(**kwargs)


def test_wrong_s_names_the_expected_shape():
    with pytest.raises(ValueError, match=r'\(2, 3\).*got \(2, 2\)'):
        tiny()(torch.rand(2, 3, 16, 16), torch.rand(2, 2))
