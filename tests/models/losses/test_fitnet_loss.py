import pytest
import torch

from mmkd_ext.models.losses import FitNetLoss, fitnet_loss
from mmkd_ext.registry import MODELS


def test_golden_values():
    s = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    t = torch.tensor([[[[1.0, 0.0], [5.0, 4.0]]]])
    # |d| = [0, 2, 2, 0] -> mean 1;  d^2 = [0, 4, 4, 0] -> mean 2
    assert fitnet_loss(s, t, 'l1').item() == pytest.approx(1.0)
    assert fitnet_loss(s, t, 'l2').item() == pytest.approx(2.0)


def test_zero_on_identical_and_positive_otherwise():
    x = torch.rand(2, 4, 3, 3)
    assert fitnet_loss(x, x.clone()).item() == 0
    assert fitnet_loss(x, x + 0.1).item() > 0


def test_teacher_gets_no_gradient():
    s = torch.rand(1, 2, 2, 2, requires_grad=True)
    t = torch.rand(1, 2, 2, 2, requires_grad=True)
    fitnet_loss(s, t).backward()
    assert s.grad is not None and t.grad is None


def test_module_from_registry_weights_the_loss():
    s, t = torch.rand(1, 2, 3, 3), torch.rand(1, 2, 3, 3)
    loss = MODELS.build(dict(type='FitNetLoss', mode='l2', loss_weight=3.0))
    assert isinstance(loss, FitNetLoss)
    assert loss(s, t).item() == pytest.approx(3.0 * fitnet_loss(s, t, 'l2').item())


def test_bad_options_and_shapes():
    with pytest.raises(ValueError, match=r"\('l1', 'l2'\)"):
        FitNetLoss(mode='l3')
    with pytest.raises(TypeError):
        MODELS.build(dict(type='FitNetLoss', mdoe='l1'))
    with pytest.raises(ValueError, match='differ in shape'):
        fitnet_loss(torch.rand(1, 2, 3, 3), torch.rand(1, 4, 3, 3))
