import pytest
import torch
from mmengine.registry import DefaultScope

from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_batch


def tiny_rcan(**kwargs) -> dict:
    cfg = dict(type='RCANNet', in_channels=3, out_channels=3, mid_channels=8, num_groups=2,
               num_blocks=2, squeeze_factor=4, upscale_factor=2)
    cfg.update(kwargs)
    return cfg


def num_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_output_shape(scale):
    net = MODELS.build(tiny_rcan(upscale_factor=scale))
    assert net(torch.rand(2, 3, 8, 8)).shape == (2, 3, 8 * scale, 8 * scale)


@pytest.mark.parametrize('generator_type', ['mmkd_ext.RCANNet', 'RCANNet'])
def test_generator_of_base_edit_model_backpropagates(generator_type):
    cfg = dict(
        type='mmagic.BaseEditModel',
        # squeeze 1 (8 attention channels): with 8 // 4 = 2, both are often ReLU-dead at a
        # random init, and that attention then gets no gradient
        generator=tiny_rcan(type=generator_type, squeeze_factor=1),
        pixel_loss=dict(type='mmagic.L1Loss'),
        data_preprocessor=dict(type='mmagic.DataPreprocessor', mean=[0.] * 3, std=[255.] * 3))
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        model = MODELS.build(cfg)
    assert type(model.generator).__name__ == 'RCANNet'
    losses = model(*tiny_batch(scale=2), mode='loss')
    assert set(losses) == {'loss'} and losses['loss'].item() > 0
    losses['loss'].backward()
    for name, param in model.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name


def test_paper_configuration_has_15_6m_parameters():
    net = MODELS.build(dict(type='RCANNet', in_channels=3, out_channels=3))  # 10 x 20 x 64, x4
    assert abs(num_params(net) - 15.6e6) / 15.6e6 < 0.02  # measured: 15,592,355


def test_small_configuration_builds():
    net = MODELS.build(dict(type='RCANNet', in_channels=3, out_channels=3, num_blocks=6))
    assert len(net.body) == 10 and len(net.body[0].blocks) == 6 + 1  # 6 RCABs + conv
    assert num_params(net) == pytest.approx(5.17e6, rel=0.02)  # measured: 5,171,315
    assert net(torch.rand(1, 3, 4, 4)).shape == (1, 3, 16, 16)


@pytest.mark.parametrize('option, match', [
    (dict(upscale_factor=5), '2, 3, 4, 8'),
    (dict(num_groups=0), 'num_groups must be a positive int'),
    (dict(num_blocks=2.5), 'num_blocks must be a positive int'),
    (dict(squeeze_factor=16), r'squeeze_factor must be in \[1, mid_channels=8\]'),
    (dict(res_scale=0.), 'res_scale must be > 0'),
    (dict(rgb_mean=(0.5, 0.5)), 'rgb_mean must have 1 value or in_channels'),
    (dict(rgb_std=(1., 0., 1.)), 'rgb_std must be > 0'),
])
def test_bad_options(option, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(tiny_rcan(**option))


def test_tap_paths_and_buffers():
    net = MODELS.build(tiny_rcan())
    names = dict(net.named_modules())
    assert {'body.0', 'body.0.blocks.0', 'conv_after_body', 'upsample'} <= set(names)
    assert not {'mean', 'std'} & set(net.state_dict())  # constants, not weights


def test_tapped_outputs_are_not_modified_in_place():
    net = MODELS.build(tiny_rcan())
    seen = {}
    for path in ('conv_first', 'body.0', 'body.0.blocks.0', 'body.0.blocks.0.conv1',
                 'conv_after_body'):
        net.get_submodule(path).register_forward_hook(
            lambda module, args, out, path=path: seen.update({path: (out, out.detach().clone())}))
    net(torch.rand(1, 3, 8, 8))
    for path, (output, copy) in seen.items():
        assert torch.equal(output.detach(), copy), path
