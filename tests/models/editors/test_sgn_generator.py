import pytest
import torch

from mmkd_ext.models.editors.sgn_generator import SGNGenerator, SymGate
from mmkd_ext.registry import MODELS


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


def test_every_parameter_gets_a_gradient_and_s_one():
    gen = tiny()
    s = torch.tensor([[.2, .3, .5]], requires_grad=True)
    out = gen(torch.rand(2, 3, 16, 16), s.expand(2, 3))
    (out * torch.randn_like(out)).sum().backward()
    assert all(p.grad is not None for p in gen.parameters())
    # (the conv biases in front of InstanceNorm get only rounding noise)
    assert all(p.grad.abs().sum() > 0 for p in gen.gates.parameters())
    assert s.grad.abs().sum() > 0


def test_gate_initialisation():
    normal = tiny(gate_init='normal', init_cfg=dict(type='normal', gain=0.02))
    assert abs(float(normal.gates['2'].fc1.weight.std()) - 0.02) < 0.005
    assert float(normal.gates['2'].fc1.bias.abs().sum()) == 0
    default = tiny()  # PyTorch's Linear init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    bound = 1 / (16 + 16) ** 0.5
    assert float(default.gates['2'].fc1.weight.abs().max()) <= bound
    assert float(default.gates['2'].fc1.weight.std()) > 0.05
    assert abs(float(default.body.model[1].conv.weight.std()) - 0.02) < 0.005


def test_gate_formula():
    gate = SymGate(channels=2, num_terms=2, embed_channels=3, hidden_channels=4)
    h, s = torch.rand(1, 2, 3, 3), torch.tensor([[0.25, 0.75]])
    z = torch.cat([h.mean((2, 3)), torch.relu(gate.embed(s))], 1)
    g = torch.sigmoid(gate.fc2(torch.relu(gate.fc1(z))))
    assert torch.allclose(gate(h, s), h * g[:, :, None, None])


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_blocks=0), 'num_blocks'),
    (dict(padding_mode='circular'), "'reflect', 'replicate' or 'zeros'"),
    (dict(init_cfg=dict(type='xavier')), "'normal' or 'Pretrained'"),
    (dict(gate_init='zeros'), "'default' or 'normal'"),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tiny(**kwargs)


def test_wrong_s_names_the_expected_shape():
    with pytest.raises(ValueError, match=r'\(2, 3\).*got \(2, 2\)'):
        tiny()(torch.rand(2, 3, 16, 16), torch.rand(2, 2))
