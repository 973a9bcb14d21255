import pytest
import torch

from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_batch, tiny_editor


def fitnet(student=None, teacher=None, **kwargs):
    cfg = dict(
        type='FeatureDistill',
        student=student or tiny_editor(8, 2),
        teacher=teacher or tiny_editor(16, 3),
        distill_losses=dict(
            body=dict(
                student='generator.upsample:input',
                teacher='generator.upsample:input',
                connector=dict(type='ConvRegressor', kernel_size=1),
                loss=dict(type='FitNetLoss', mode='l1'))))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_loss_keys_and_gradients():
    model = fitnet(output_loss=dict(type='mmagic.L1Loss', loss_weight=0.5))
    model.train()
    losses = model.loss(*tiny_batch())
    assert set(losses) == {'loss_pix', 'loss_body', 'loss_output'}
    assert all(v.ndim == 0 and v.item() > 0 for v in losses.values())
    sum(losses.values()).backward()
    for name, param in model.student.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    for param in model.connectors.parameters():
        assert param.grad is not None
    assert all(p.grad is None and not p.requires_grad for p in model.teacher.parameters())


def test_connector_channels_are_inferred():
    model = fitnet()
    conv = model.connectors['body'].conv
    assert (conv.in_channels, conv.out_channels) == (8, 16)


def test_teacher_stays_in_eval_and_is_not_reinitialised():
    model = fitnet()
    before = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    model.init_weights()
    model.train()
    assert not model.teacher.training and model.student.training
    assert all(torch.equal(before[k], v) for k, v in model.teacher.state_dict().items())


def test_zero_feature_loss_when_student_equals_teacher():
    model = fitnet(teacher=tiny_editor(8, 2),
                   distill_losses=dict(body=dict(student='generator.body',
                                                 teacher='generator.body',
                                                 loss=dict(type='FitNetLoss'))))
    model.teacher.load_state_dict(model.student.state_dict())
    assert model.loss(*tiny_batch())['loss_body'].item() == 0


def test_teacher_stops_after_its_last_tap_without_output_loss():
    model = fitnet()
    calls = []
    model.teacher.generator.conv_last.register_forward_hook(lambda *a: calls.append(1))
    model.loss(*tiny_batch())
    assert calls == []


def test_predict_and_tensor_use_the_student():
    model = fitnet()
    model.eval()
    lr, samples = tiny_batch()
    out = model(lr, mode='tensor')
    assert torch.equal(out, model.student.generator(lr))
    preds = model(lr, samples, mode='predict')
    assert len(preds) == 2 and preds[0].output.pred_img.shape == (3, 16, 16)


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(distill_losses=dict(body=dict(student='generator.bdy', teacher='generator.body',
                                        loss=dict(type='FitNetLoss')))),
     ValueError, r"nearest existing paths: \['generator.body'"),
    (dict(distill_losses=dict(body=dict(student='generator.body', teacher='generator.body',
                                        loss=dict(type='FitNetLoss')))),
     ValueError, 'add a connector'),
    (dict(distill_losses=dict(body=dict(student='generator.body', teacher='generator.body',
                                        connector=dict(type='ConvRegressor', in_channels=4),
                                        loss=dict(type='FitNetLoss')))),
     ValueError, 'leave the channels out'),
    (dict(distill_losses=dict(body=dict(student='generator.body', teacher='generator.body',
                                        conector=dict(type='ConvRegressor'),
                                        loss=dict(type='FitNetLoss')))),
     ValueError, 'optionally connector'),
    (dict(distill_losses=dict(body=dict(student='generator.body', teacher='generator.body',
                                        connector=dict(type='ConvRegressor'),
                                        loss=dict(type='NoSuchLoss')))),
     KeyError, 'NoSuchLoss'),
    (dict(distill_losses=None), ValueError, 'at least one'),
    (dict(distill_losses=dict(body=dict(student='generator.body', teacher='generator.body',
                                        connector=dict(type='ConvRegressor'),
                                        loss=dict(type='FitNetLoss', weight=2.0)))),
     TypeError, 'weight'),
    (dict(teacher=tiny_editor(16, 3, scale=4),
          distill_losses=dict(body=dict(student='generator.upsample',
                                        teacher='generator.upsample',
                                        connector=dict(type='ConvRegressor'),
                                        loss=dict(type='FitNetLoss')))),
     ValueError, 'spatial size'),
])
def test_bad_configs(kwargs, error, match):
    with pytest.raises(error, match=match):
        fitnet(**kwargs)


def test_fast_teacher_matches_fp32_teacher():
    torch.manual_seed(0)
    exact = fitnet(output_loss=dict(type='mmagic.L1Loss'))
    fast = fitnet(output_loss=dict(type='mmagic.L1Loss'), teacher_precision='bf16',
                  teacher_channels_last=True)
    fast.load_state_dict(exact.state_dict())
    lr, _ = tiny_batch()
    (f_exact, out_exact), (f_fast, out_fast) = exact.teacher_forward(lr), fast.teacher_forward(lr)
    feat, feat_fast = f_exact['generator.upsample:input'], f_fast['generator.upsample:input']
    assert feat_fast.dtype == torch.float32 and out_fast.dtype == torch.float32
    assert ((feat_fast - feat).abs().mean() / feat.abs().mean()).item() < 0.02
    assert ((out_fast - out_exact).abs().mean() / out_exact.abs().mean()).item() < 0.02


def test_bad_teacher_precision():
    with pytest.raises(ValueError, match=r"\('fp32', 'bf16', 'fp16', 'auto'\)"):
        fitnet(teacher_precision='int8')


@pytest.mark.parametrize('amx, expected', [(True, torch.bfloat16), (False, None)])
def test_auto_precision_falls_back_to_fp32_where_bf16_is_emulated(monkeypatch, amx, expected):
    from mmkd_ext.models.algorithms.base import FastTeacher
    monkeypatch.setattr(torch.cpu, '_is_amx_tile_supported', lambda: amx)
    fast = FastTeacher('auto')
    assert fast.dtype('cpu') is expected
    with fast.run(torch.zeros(1, 3, 4, 4)) as x:
        assert torch.is_autocast_enabled('cpu') is amx
        assert (torch.nn.functional.conv2d(x, torch.zeros(2, 3, 1, 1)).dtype ==
                (torch.bfloat16 if amx else torch.float32))
    assert FastTeacher('fp16').dtype('cpu') is torch.float16


def test_scale_mismatch_between_data_and_model():
    model = fitnet()  # x2 networks
    lr, samples = tiny_batch(scale=4)
    with pytest.raises(ValueError, match=r"SR \(16, 16\) but the HR targets are \(32, 32\)"):
        model.loss(lr, samples)
