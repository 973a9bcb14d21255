"""LogitKD with a plain classifier, a quantization-aware (MMRazor LSQ) and a channel-pruned
(MMRazor L1-norm) student; the bad inputs named in the issue."""
import pytest
import torch
from mmengine import MessageHub

from mmkd_ext.models.losses import kd_loss
from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier, tiny_cls_batch
from tests.models.algorithms._kd_students import (
    LSQ_QCONFIG,
    PRUNE_UNITS,
    kd,
    prune_student,
    quant_student,
)


@pytest.fixture(autouse=True)
def _iteration_info():
    """MMRazor's pruning reads the loop position from the message hub."""
    hub = MessageHub.get_current_instance()
    for key, value in (('iter', 0), ('max_iters', 2), ('max_epochs', 1)):
        hub.update_info(key, value)


def _check_step(model, extra=()):
    model.train()
    inputs, samples = tiny_cls_batch(4)
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_kd', *extra}
    assert all(v.ndim == 0 and torch.isfinite(v) and v > 0 for v in losses.values())
    sum(losses.values()).backward()
    assert not any(p.requires_grad or p.grad is not None for p in model.teacher.parameters())
    model.eval()
    predictions = model(inputs, samples, mode='predict')
    assert len(predictions) == 4 and predictions[0].pred_score.shape == (10, )
    return losses


def test_plain_student_terms_weights_and_gradients():
    model = MODELS.build(kd(tiny_classifier(2), temperature=2.0, alpha=0.75))
    model.train()
    inputs, samples = tiny_cls_batch(4)
    losses = model(inputs, samples, mode='loss')
    s_logits = model.student(inputs, mode='tensor')
    t_logits = model.teacher(inputs, mode='tensor')
    assert losses['loss_kd'].item() == pytest.approx(
        0.75 * kd_loss(s_logits, t_logits, 2.0).item(), rel=1e-5)
    ce = torch.nn.functional.cross_entropy(s_logits, torch.cat([s.gt_label for s in samples]))
    assert losses['loss_cls'].item() == pytest.approx(0.25 * ce.item(), rel=1e-5)
    sum(losses.values()).backward()
    for name, param in model.student.named_parameters():
        assert param.grad is not None, name
    _check_step(model)


def test_bf16_teacher_gives_fp32_logits_close_to_the_fp32_teachers():
    torch.manual_seed(0)
    exact = MODELS.build(kd(tiny_classifier(2)))
    fast = MODELS.build(kd(tiny_classifier(2), teacher_precision='bf16'))
    fast.load_state_dict(exact.state_dict())
    inputs, _ = tiny_cls_batch(4)
    (logits, _), (fast_logits, _) = exact.teacher_forward(inputs), fast.teacher_forward(inputs)
    assert fast_logits.dtype == torch.float32 and not torch.equal(fast_logits, logits)
    assert ((fast_logits - logits).abs().max() / logits.abs().max()).item() < 0.05
    with pytest.raises(ValueError, match="teacher_precision must be one of .*'auto'.*got 'fp8'"):
        MODELS.build(kd(tiny_classifier(2), teacher_precision='fp8'))


def test_feature_terms_plug_in_like_the_other_methods():
    model = MODELS.build(kd(tiny_classifier(2), distill_losses=dict(feat=dict(
        student='backbone.layer3', teacher='backbone.layer3',
        connector=dict(type='ConvRegressor', kernel_size=1),
        loss=dict(type='FitNetLoss', mode='l2')))))
    assert model.connectors.feat.conv.in_channels == 8
    _check_step(model, extra=('loss_feat', ))


def test_quantized_student_trains_its_fake_quantized_graph():
    from mmrazor.models.fake_quants import enable_param_learning
    model = MODELS.build(kd(quant_student()))
    assert type(model.student).__name__ == 'MMArchitectureQuant'
    assert type(model.student.qmodels['tensor'].backbone.conv1).__name__ == 'ConvBnReLU2d'
    model.train()
    model.apply(enable_param_learning)  # what MMRazor's LSQ loop does after the first batch
    sum(model(*tiny_cls_batch(4), mode='loss').values()).backward()
    graph = dict(model.student.qmodels['tensor'].named_parameters())
    scales = [n for n in graph if n.endswith('fake_quant.scale')]
    assert scales and all(graph[n].grad is not None for n in scales)
    for param in graph.values():
        param.data.add_(0.01)  # a training step
    model.eval()  # copies the trained quantization parameters to the 'predict' graph
    predict = dict(model.student.qmodels['predict'].named_parameters())
    for name in scales:
        assert torch.equal(predict[name], graph[name]), name
    _check_step(model)


def test_pruned_student_prunes_in_the_first_step():
    model = MODELS.build(kd(prune_student()))
    _check_step(model)
    choices = model.student.mutator.current_choices
    assert {choices[u] for u in PRUNE_UNITS} == {0.5}


def test_teacher_with_other_classes_is_refused():
    teacher = tiny_classifier(4, num_classes=7)
    with pytest.raises(ValueError, match='teacher predicts 7 classes and the student 10'):
        MODELS.build(dict(type='LogitKD', student=tiny_classifier(2), teacher=teacher))


def test_pruning_key_matching_no_unit_lists_the_valid_ones():
    with pytest.raises(ValueError) as error:
        MODELS.build(kd(prune_student({'backbone.layer9.conv1_(0, 4)_4': 0.5})))
    message = str(error.value)
    assert "'backbone.layer9.conv1_(0, 4)_4'" in message
    assert 'valid units' in message and PRUNE_UNITS[0] in message
    with pytest.raises(ValueError, match=r'\(0, 1\]'):
        MODELS.build(kd(prune_student({PRUNE_UNITS[0]: 1.5})))


@pytest.mark.parametrize('change, match', [
    (dict(w_qscheme=dict(qdtype='qint4', bit=4)), r"qdtype='qint4'.*\('quint8', 'qint8'\)"),
    (dict(a_qscheme=dict(qdtype='quint8', bit=16)), r'bit=16.*valid: \[2, 3, 4, 5, 6, 7, 8\]'),
    (dict(a_observer=dict(type='mmrazor.PerChannelMinMaxObserver')),
     r"PerChannelMinMaxObserver.*OpenVINOQuantizer.*\['per_tensor'\]"),
    (dict(w_fake_quant=dict(type='mmrazor.NoSuchFakeQuant')), r"'NoSuchFakeQuant'.*valid: \["),
])
def test_unsupported_quantization_settings_are_refused(change, match):
    qconfig = dict(LSQ_QCONFIG, **change)
    with pytest.raises(ValueError, match=match):
        MODELS.build(kd(quant_student(qconfig)))


def test_unknown_quantizer_lists_mmrazors():
    with pytest.raises(ValueError, match=r"'mmrazor.SNPEQuantizer'.*OpenVINOQuantizer"):
        MODELS.build(kd(quant_student(quantizer='mmrazor.SNPEQuantizer')))
