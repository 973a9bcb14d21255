"""teacher_precision='auto' runs the teacher channels-last; the results are the contiguous
fp32 ones up to fp32 rounding (timings: tools/benchmarks/distill_step.py --formats)."""
import pytest
import torch

from mmkd_ext.models.algorithms.base import FastTeacher
from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_batch, tiny_editor

CL = torch.channels_last


@pytest.fixture
def no_amx(monkeypatch):
    """A CPU without native bf16: 'auto' means fp32."""
    monkeypatch.setattr(torch.cpu, '_is_amx_tile_supported', lambda: False)


def lsfd(**kwargs):
    return MODELS.build(dict(
        type='FeatureDistill', student=tiny_editor(8, 2), teacher=tiny_editor(16, 3),
        distill_losses=dict(body=dict(
            student='generator.upsample:input', teacher='generator.upsample:input',
            connector=dict(type='ConvRegressor', kernel_size=3),
            loss=dict(type='LSFDLoss', tau=1.0))),
        output_loss=dict(type='mmagic.L1Loss'), **kwargs))


def test_auto_implies_channels_last(no_amx):
    assert FastTeacher('auto').channels_last and FastTeacher('auto', False).channels_last
    assert not FastTeacher('fp32').channels_last and FastTeacher('fp32', True).channels_last
    assert not FastTeacher('bf16').channels_last
    teacher = MODELS.build(tiny_editor(8, 2)).generator
    fast = FastTeacher('auto')
    fast.prepare(teacher)
    assert teacher.conv_first.weight.is_contiguous(memory_format=CL)
    with fast.run(torch.rand(1, 3, 4, 4)) as x:
        assert x.is_contiguous(memory_format=CL) and not torch.is_autocast_enabled('cpu')


def test_auto_teacher_equals_the_contiguous_fp32_teacher(no_amx):
    torch.manual_seed(0)
    exact, auto = lsfd(), lsfd(teacher_precision='auto')
    auto.load_state_dict(exact.state_dict())
    assert auto.teacher.generator.conv_first.weight.is_contiguous(memory_format=CL)
    assert not exact.teacher.generator.conv_first.weight.is_contiguous(memory_format=CL)
    lr, samples = tiny_batch()
    (f_exact, out_exact), (f_auto, out_auto) = exact.teacher_forward(lr), auto.teacher_forward(lr)
    tap = 'generator.upsample:input'
    assert f_auto[tap].dtype == torch.float32 and f_auto[tap].is_contiguous(memory_format=CL)
    torch.testing.assert_close(f_auto[tap], f_exact[tap], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(out_auto, out_exact, rtol=1e-4, atol=1e-5)
    # the whole step: same losses and student gradients
    grads = []
    for model in (exact, auto):
        model.train()
        losses = model.loss(lr, samples)
        sum(losses.values()).backward()
        grads.append(({k: v.item() for k, v in losses.items()},
                      [p.grad for p in model.student.parameters()]))
    assert grads[0][0] == pytest.approx(grads[1][0], rel=1e-4)
    for a, b in zip(grads[0][1], grads[1][1]):
        torch.testing.assert_close(b, a, rtol=1e-3, atol=1e-6)


def test_channels_last_student_equals_the_contiguous_one(no_amx):
    torch.manual_seed(0)
    exact, fast = lsfd(), lsfd(teacher_precision='auto', student_channels_last=True)
    fast.load_state_dict(exact.state_dict())
    assert fast.student.generator.conv_first.weight.is_contiguous(memory_format=CL)
    assert fast.connectors['body'].conv.weight.is_contiguous(memory_format=CL)
    lr, samples = tiny_batch()
    results = []
    for model in (exact, fast):
        model.train()
        optim = torch.optim.Adam(model.student.parameters(), lr=1e-3)
        for _ in range(2):  # the optimizer's in-place updates keep the format
            optim.zero_grad()
            losses = model.loss(lr, samples)
            sum(losses.values()).backward()
            optim.step()
        results.append(({k: v.item() for k, v in losses.items()}, model.student.state_dict()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-4)
    assert fast.student.generator.conv_first.weight.is_contiguous(memory_format=CL)
    for key, value in results[0][1].items():
        torch.testing.assert_close(results[1][1][key], value, rtol=1e-4, atol=1e-6)
    # its weights load into a plain (contiguous) student: checkpoints are interchangeable
    plain = MODELS.build(tiny_editor(8, 2))
    plain.load_state_dict(fast.student.state_dict())
    plain.eval(), fast.student.eval()
    with torch.no_grad():
        torch.testing.assert_close(plain.generator(lr), fast.student.generator(lr), rtol=1e-4,
                                   atol=1e-5)
