import pytest
import torch
from torch import nn

from mmkd_ext.models.losses.kd_loss import ensemble_kd_loss
from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier, tiny_cls_batch


def feed(teachers=None, **kwargs):
    cfg = dict(
        type='FEED',
        student=tiny_classifier(2),
        teachers=teachers if teachers is not None else dict(
            t1=tiny_classifier(4), t2=tiny_classifier(3, depth=14)),
        probe_shape=(1, 16, 16))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_loss_keys_and_gradients():
    model = feed(kd_weight=1.0)
    model.train()
    losses = model.loss(*tiny_cls_batch())
    assert set(losses) == {'loss_cls', 'loss_feed_t1', 'loss_feed_t2', 'loss_kd'}
    assert all(v.ndim == 0 and v.item() > 0 for v in losses.values())
    sum(losses.values()).backward()
    for name, param in model.student.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    for name, param in model.translators.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    assert all(p.grad is None and not p.requires_grad for p in model.teachers.parameters())


def test_default_taps_translators_and_weights():
    model = feed(feat_weight=2.0, average_teachers=True)
    assert model.student_tap == 'backbone.layer3'
    assert model.teacher_taps == dict(t1='backbone.layer3', t2='backbone.layer3')
    assert [(t[0].in_channels, t.out_channels) for t in model.translators.values()] == [
        (8, 16), (8, 12)]
    assert set(model.loss(*tiny_cls_batch())) == {'loss_cls', 'loss_feed_t1', 'loss_feed_t2'}
    # average_teachers: beta / K on each term
    inputs, samples = tiny_cls_batch()
    model.eval()  # BN statistics fixed: the two evaluations see the same translators
    feat = model.student.backbone(inputs)[0]
    term = model.loss(inputs, samples)['loss_feed_t1']
    t_feat = model.teachers['t1'].backbone(inputs)[0]
    expected = 2.0 / 2 * model.feat_loss(model.translators['t1'](feat), t_feat)
    assert term.item() == pytest.approx(expected.item(), rel=1e-5)


def test_feature_weight_does_not_grow_with_the_number_of_teachers():
    """By default the feature terms are averaged: K copies of one teacher give the loss of
    one; ``average_teachers=False`` (the paper's sum) gives K times it."""
    inputs, samples = tiny_cls_batch()
    one = feed(teachers=dict(t0=tiny_classifier(4)))
    totals = {}
    for k, average in ((1, True), (3, True), (3, False)):
        model = feed(teachers={f't{i}': tiny_classifier(4) for i in range(k)},
                     **({} if average else dict(average_teachers=False)))
        model.student.load_state_dict(one.student.state_dict())
        for i in range(k):  # the same teacher and translator K times
            model.teachers[f't{i}'].load_state_dict(one.teachers['t0'].state_dict())
            model.translators[f't{i}'].load_state_dict(one.translators['t0'].state_dict())
        model.eval()
        losses = model.loss(inputs, samples)
        totals[k, average] = sum(v for n, v in losses.items() if n.startswith('loss_feed_'))
    assert totals[3, True].item() == pytest.approx(totals[1, True].item(), rel=1e-5)
    assert totals[3, False].item() == pytest.approx(3 * totals[1, True].item(), rel=1e-5)


def test_teachers_stay_in_eval_and_are_not_reinitialised():
    model = feed()
    before = {k: v.clone() for k, v in model.teachers.state_dict().items()}
    model.init_weights()
    model.train()
    assert model.student.training and model.translators.training
    assert not any(m.training for m in model.teachers.modules())
    assert all(torch.equal(before[k], v) for k, v in model.teachers.state_dict().items())


def test_zero_feature_loss_when_student_equals_teacher_and_translator_is_identity():
    model = feed(teachers=dict(same=tiny_classifier(2)))
    model.teachers['same'].load_state_dict(model.student.state_dict())
    model.translators['same'] = nn.Identity()
    model.eval()  # the same BN statistics in both networks
    assert model.loss(*tiny_cls_batch())['loss_feed_same'].item() == pytest.approx(0, abs=1e-6)


def test_teachers_stop_at_their_tap_without_kd():
    model = feed()
    calls = []
    model.teachers['t1'].head.register_forward_hook(lambda *a: calls.append(1))
    model.loss(*tiny_cls_batch())
    assert calls == []


def test_logit_kd_only_builds_no_translator():
    model = feed(feat_weight=0, kd_weight=1.0)
    assert len(model.translators) == 0
    assert set(model.loss(*tiny_cls_batch())) == {'loss_cls', 'loss_kd'}


def test_ensemble_kd_golden_values():
    s = torch.zeros(1, 2)
    t1, t2 = torch.tensor([[0.0, 0.0]]), torch.tensor([[100.0, -100.0]])
    # mean softmax = (0.75, 0.25); student (0.5, 0.5): KL = sum p log(p / q)
    kl = 0.75 * torch.log(torch.tensor(1.5)) + 0.25 * torch.log(torch.tensor(0.5))
    assert ensemble_kd_loss(s, [t1, t2], 1.0).item() == pytest.approx(kl.item(), rel=1e-5)
    assert ensemble_kd_loss(s, [t1], 2.0).item() == pytest.approx(0, abs=1e-7)


def test_predict_and_tensor_use_the_student():
    model = feed()
    model.eval()
    inputs, samples = tiny_cls_batch()
    assert torch.equal(model(inputs, mode='tensor'), model.student(inputs, mode='tensor'))
    preds = model(inputs, samples, mode='predict')
    assert len(preds) == 2 and preds[0].pred_score.shape == (10, )


def test_interpolate_aligns_teachers_of_another_resolution():
    # a teacher tapped one stage earlier: 8 x 8 against the student's 4 x 4
    kwargs = dict(teachers=dict(t1=tiny_classifier(4)), teacher_taps=dict(t1='backbone.layer2'))
    with pytest.raises(ValueError, match=r"teacher 't1'.*\(8, 8, 8\).*spatial sizes differ"):
        feed(**kwargs)
    model = feed(align='interpolate', **kwargs)
    assert model.loss(*tiny_cls_batch())['loss_feed_t1'].item() > 0


def test_wrong_architecture_checkpoint_names_the_teacher_and_keys(tmp_path):
    ckpt = tmp_path / 'other.pth'
    torch.save({'state_dict': MODELS.build(tiny_classifier(3)).state_dict()}, ckpt)
    with pytest.raises(ValueError, match=r"(?s)teacher 't1'.*size mismatch.*backbone.conv1"):
        feed(teacher_ckpts=dict(t1=str(ckpt)))


def test_checkpoints_load_per_teacher(tmp_path):
    torch.manual_seed(1)
    t1 = MODELS.build(tiny_classifier(4))
    torch.save({'state_dict': {f'student.{k}': v for k, v in t1.state_dict().items()}},
               tmp_path / 't1.pth')
    model = feed(teacher_ckpts=dict(t1=str(tmp_path / 't1.pth'), t2=None))
    for k, v in t1.state_dict().items():
        assert torch.equal(model.teachers['t1'].state_dict()[k], v), k


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(teachers={}), ValueError, 'at least one teacher'),
    (dict(teachers=dict(t1=tiny_classifier(4), t2=tiny_classifier(4, num_classes=7)),
          kd_weight=1.0), ValueError, r"classes of the student \(10\).*'t2': 7"),
    (dict(translator=dict(type='FEEDTranslator', out_channels=5)), ValueError,
     r"teacher 't1': the translator maps 8 -> 5 .* 8 \(student\) -> 16"),
    (dict(teacher_ckpts=dict(t3=None)), ValueError, r"\['t3'\], which are not teachers"),
    (dict(student_tap='backbone.layr3'), ValueError, r"nearest existing paths: \['backbone."),
    (dict(teachers={'t.1': tiny_classifier(4)}), ValueError, 'identifiers'),
    (dict(align='crop'), ValueError, r"\('error', 'interpolate'\)"),
    (dict(feat_weight=0), ValueError, 'student alone'),
    (dict(teacher_ckpts=dict(t1='missing.pth')), FileNotFoundError, "teacher 't1'"),
    (dict(teachers=dict(t1=tiny_classifier(backbone=dict(type='mmpretrain.LeNet5'),
                                           feat_channels=120))),
     ValueError, r"teacher 't1': no default tap for a LeNet5"),
    (dict(feat_wieght=1.0), TypeError, 'feat_wieght'),
])
def test_bad_configs(kwargs, error, match):
    with pytest.raises(error, match=match):
        feed(**kwargs)


def test_runner_data_preprocessor_goes_to_the_student():
    student = tiny_classifier(2)
    student.pop('data_preprocessor')
    model = feed(student=student, data_preprocessor=dict(num_classes=10, mean=[50.], std=[2.]))
    assert model.data_preprocessor is model.student.data_preprocessor
    assert model.data_preprocessor.mean.flatten().tolist() == [50.]
