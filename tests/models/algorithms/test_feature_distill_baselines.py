"""The field's SR baselines on FeatureDistill's code path, built from the shipped CPU-scale
configs with tiny networks: AT and FAKD need no regressor (the teacher is wider than the
student), output KD needs no feature term, and any feature term combines with output KD."""
import os.path as osp

import pytest
import torch
from mmengine import Config
from mmengine.registry import init_default_scope

from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_batch

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', '..', 'configs')
DEMO = 'edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'


def build(name, **options):
    """The config's model with a 2 x 8 student, a 2 x 16 teacher and no checkpoint."""
    cfg = Config.fromfile(osp.join(CONFIGS, f'{name}_{DEMO}'))
    cfg.merge_from_dict(options)
    model = cfg.model.to_dict()
    model['teacher_ckpt'] = None
    for role, channels in (('student', 8), ('teacher', 16)):
        model[role]['generator'].update(mid_channels=channels, num_blocks=2)
    init_default_scope('mmkd_ext')
    return MODELS.build(model)


@pytest.mark.parametrize('name, keys', [
    ('lsfd/output-kd', {'loss_pix', 'loss_output'}),
    ('lsfd/at', {'loss_pix', 'loss_body'}),
    ('lsfd/at-outkd', {'loss_pix', 'loss_body', 'loss_output'}),
    ('lsfd/fakd', {'loss_pix', 'loss_body', 'loss_output'}),
    ('lsfd/fakd-affinity', {'loss_pix', 'loss_body'}),
    ('lsfd/lsfd-outkd', {'loss_pix', 'loss_body', 'loss_output'}),
    ('fitnet/fitnet-outkd', {'loss_pix', 'loss_body', 'loss_output'}),
])
def test_terms_and_gradients(name, keys):
    model = build(name)
    model.train()
    losses = model.loss(*tiny_batch(size=8, scale=4))
    assert set(losses) == keys
    assert all(v.ndim == 0 and v.item() > 0 for v in losses.values())
    sum(losses.values()).backward()
    for param_name, param in model.student.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, param_name
    assert all(p.grad is None for p in model.teacher.parameters())


@pytest.mark.parametrize('name', ['lsfd/at', 'lsfd/fakd'])
def test_channel_free_losses_need_no_regressor(name):
    model = build(name)
    assert isinstance(model.connectors['body'], torch.nn.Identity)
    assert not any(True for _ in model.connectors.parameters())


@pytest.mark.parametrize('name', ['lsfd/at', 'lsfd/fakd'])
def test_inspect_compares_maps_of_different_widths(name):
    from mmkd_ext.models.losses import attention_map
    # the configs' teacher_precision='auto' is bf16 on CPUs with AMX: fp32 here, so that the
    # maps can be compared with an fp32 forward of the same teacher
    model = build(name, **{'model.teacher_precision': 'fp32'})
    model.eval()
    lr, _ = tiny_batch(size=8, scale=4)
    out = model.inspect(lr)
    term = out['maps']['body']
    assert term['distance_label'] == '|a(S)-a(T)|'
    assert term['distance'].shape == (2, 8, 8) and term['distance'].min() >= 0
    # the distance is that of the 8- and 16-channel maps' spatial attentions
    feats = {}
    for role, net in (('s', model.student), ('t', model.teacher)):
        net.generator.upsample.register_forward_pre_hook(
            lambda m, args, role=role: feats.__setitem__(role, args[0]))
        net.generator(lr)
    assert feats['s'].shape[1] == 8 and feats['t'].shape[1] == 16
    expected = (attention_map(feats['s']) - attention_map(feats['t'])).abs().view(2, 8, 8)
    torch.testing.assert_close(term['distance'], expected)
    if name == 'lsfd/at':  # AT's loss is the mean square of that distance
        torch.testing.assert_close(
            model.distill_losses['body'].loss_weight * term['distance'].pow(2).mean(),
            model.distill_losses['body'](feats['s'], feats['t']))


def test_inspect_keeps_the_feature_distance_when_widths_match():
    model = build('fitnet/fitnet')  # a regressor maps the student's 8 channels to 16
    term = model.inspect(tiny_batch(size=8, scale=4)[0])['maps']['body']
    assert term['distance_label'] == '|r(S)-T|' and term['distance'].shape == (2, 8, 8)


def test_output_kd_from_the_command_line():
    # `--cfg-options model.output_loss.type=mmagic.L1Loss` adds output KD to any
    # FeatureDistill config that has none
    model = build('lsfd/lsfd', **{'model.output_loss.type': 'mmagic.L1Loss',
                                  'model.output_loss.loss_weight': 0.5})
    losses = model.loss(*tiny_batch(size=8, scale=4))
    assert set(losses) == {'loss_pix', 'loss_body', 'loss_output'}
    assert model.output_loss.loss_weight == 0.5


def test_a_regressor_is_still_required_for_point_wise_losses():
    with pytest.raises(ValueError, match='add a connector'):
        build('fitnet/fitnet', **{'model.distill_losses.body.connector': None})
