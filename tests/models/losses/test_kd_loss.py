"""Hinton KD loss: golden values, invariants, the registered module."""
import math

import pytest
import torch

from mmkd_ext.models.losses import KDLoss, dml_loss, kd_loss
from mmkd_ext.models.losses.kd_loss import ensemble_kd_loss, soft_kl
from mmkd_ext.registry import MODELS


def test_zero_on_identical_logits_and_positive_otherwise():
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    assert kd_loss(logits, logits.clone(), 4.0).abs() < 1e-6
    assert kd_loss(logits, logits.flip(1), 4.0) > 0


def test_golden_value():
    # one sample, two classes, T = 2: p_t = softmax([2, 0] / 2), p_s = softmax([0, 0])
    pt = torch.softmax(torch.tensor([1.0, 0.0]), 0)
    expected = 4 * sum(p * math.log(p / 0.5) for p in pt.tolist())
    value = kd_loss(torch.zeros(1, 2), torch.tensor([[2.0, 0.0]]), 2.0)
    assert value.item() == pytest.approx(expected, rel=1e-5)


def test_batch_mean_and_teacher_detached():
    s = torch.randn(3, 5, requires_grad=True)
    t = torch.randn(3, 5, requires_grad=True)
    per_sample = torch.stack([kd_loss(s[i:i + 1], t[i:i + 1], 3.0) for i in range(3)])
    assert kd_loss(s, t, 3.0).item() == pytest.approx(per_sample.mean().item(), rel=1e-5)
    kd_loss(s, t, 3.0).backward()
    assert s.grad is not None and t.grad is None


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r'\(2, 10\).*\(2, 5\)'):
        kd_loss(torch.zeros(2, 10), torch.zeros(2, 5), 1.0)


def test_module_from_registry():
    loss = MODELS.build(dict(type='KDLoss', temperature=2.0, loss_weight=0.5))
    assert isinstance(loss, KDLoss)
    s, t = torch.randn(2, 4), torch.randn(2, 4)
    assert loss(s, t).item() == pytest.approx(0.5 * kd_loss(s, t, 2.0).item())
    with pytest.raises(ValueError, match='temperature'):
        KDLoss(temperature=0)


def test_soft_kl_is_the_one_formula_behind_kd_dml_and_ensemble_kd():
    g = torch.Generator().manual_seed(1)
    s, t1, t2 = (torch.randn(3, 5, generator=g) for _ in range(3))
    # soft_kl on a target given as log-probabilities, golden: sum p log(p / q) * T^2
    p = torch.softmax(t1 / 2.0, 1)
    q = torch.softmax(s / 2.0, 1)
    golden = 4.0 * (p * (p.log() - q.log())).sum(1).mean()
    assert soft_kl(s, p.log(), 2.0).item() == pytest.approx(golden.item(), rel=1e-5)
    assert kd_loss(s, t1, 2.0).item() == pytest.approx(golden.item(), rel=1e-5)
    assert dml_loss(s, t1, 2.0).item() == pytest.approx(golden.item(), rel=1e-5)
    assert ensemble_kd_loss(s, [t1], 2.0).item() == pytest.approx(golden.item(), rel=1e-5)
    mean_p = (torch.softmax(t1 / 2.0, 1) + torch.softmax(t2 / 2.0, 1)) / 2
    assert ensemble_kd_loss(s, [t1, t2], 2.0).item() == pytest.approx(
        soft_kl(s, mean_p.log(), 2.0).item(), rel=1e-5)


def test_ensemble_kd_golden_values_and_no_teacher():
    s = torch.zeros(1, 2)
    t1, t2 = torch.tensor([[0.0, 0.0]]), torch.tensor([[100.0, -100.0]])
    # mean softmax = (0.75, 0.25); student (0.5, 0.5): KL = sum p log(p / q)
    kl = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    assert ensemble_kd_loss(s, [t1, t2], 1.0).item() == pytest.approx(kl, rel=1e-5)
    assert ensemble_kd_loss(s, [t1], 2.0).item() == pytest.approx(0, abs=1e-7)
    with pytest.raises(ValueError, match='at least one'):
        ensemble_kd_loss(s, [], 1.0)
