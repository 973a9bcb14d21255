import math

import pytest
import torch

from mmkd_ext.models.losses import DMLLoss, dml_loss
from mmkd_ext.registry import MODELS


def test_golden_value():
    # T = 1: p_t = softmax([0, ln 3]) = [1/4, 3/4], p_s = softmax([0, 0]) = [1/2, 1/2]
    # KL(p_t || p_s) = 1/4 ln(1/2) + 3/4 ln(3/2)
    s = torch.zeros(1, 2)
    t = torch.tensor([[0.0, math.log(3.0)]])
    expected = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    assert dml_loss(s, t).item() == pytest.approx(expected, rel=1e-5)
    # T = 2 on doubled logits gives the same distributions, times T^2 = 4
    assert dml_loss(2 * s, 2 * t, 2.0).item() == pytest.approx(4 * expected, rel=1e-5)


def test_batchmean_zero_on_identical_and_positive_otherwise():
    z = torch.randn(3, 5)
    assert dml_loss(z, z.clone(), 4.0).item() == pytest.approx(0, abs=1e-6)
    assert dml_loss(z, z + torch.randn(3, 5), 4.0).item() > 0
    # the mean over samples: one sample repeated gives the same value
    a, b = torch.randn(1, 5), torch.randn(1, 5)
    assert dml_loss(a.repeat(4, 1), b.repeat(4, 1)).item() == pytest.approx(
        dml_loss(a, b).item(), rel=1e-5)


def test_peer_gets_no_gradient():
    s = torch.randn(2, 4, requires_grad=True)
    t = torch.randn(2, 4, requires_grad=True)
    dml_loss(s, t, 3.0).backward()
    assert s.grad is not None and t.grad is None


def test_module_from_registry():
    s, t = torch.randn(2, 4), torch.randn(2, 4)
    loss = MODELS.build(dict(type='DMLLoss', temperature=3.0, loss_weight=0.5))
    assert isinstance(loss, DMLLoss)
    assert loss(s, t).item() == pytest.approx(0.5 * dml_loss(s, t, 3.0).item())


def test_bad_options_and_shapes():
    with pytest.raises(ValueError, match='> 0'):
        DMLLoss(temperature=0)
    with pytest.raises(TypeError):
        MODELS.build(dict(type='DMLLoss', temprature=2.0))
    with pytest.raises(ValueError, match='same classes'):
        dml_loss(torch.zeros(2, 3), torch.zeros(2, 4))
