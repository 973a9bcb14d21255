import pytest
import torch

from mmkd_ext.models.losses import FactorTransferLoss, factor_loss
from mmkd_ext.registry import MODELS


def test_golden_values():
    # sample 0: s = (3, 4) / 5 = (.6, .8), t = (1, 0): |d| = .4 + .8 = 1.2
    # sample 1: s = (0, 2) / 2 = (0, 1),   t = (0, 5) / 5 = (0, 1): 0
    s = torch.tensor([[3.0, 4.0], [0.0, 2.0]]).view(2, 2, 1, 1)
    t = torch.tensor([[2.0, 0.0], [0.0, 5.0]]).view(2, 2, 1, 1)
    assert factor_loss(s, t).item() == pytest.approx(0.6)
    assert factor_loss(s, t, 'element').item() == pytest.approx(0.3)


def test_scale_invariant_zero_on_identical_and_positive_otherwise():
    x = torch.rand(2, 4, 3, 3)
    assert factor_loss(x, x.clone()).item() == pytest.approx(0, abs=1e-6)
    assert factor_loss(3 * x, x).item() == pytest.approx(0, abs=1e-6)
    assert factor_loss(x, torch.rand(2, 4, 3, 3)).item() > 0
    # opposite directions: || u - (-u) ||_1 = 2 ||u||_1 for the unit vector u
    u = torch.tensor([1.0, 1.0, 1.0, 1.0]).view(1, 4, 1, 1)
    assert factor_loss(u, -u).item() == pytest.approx(2 * 4 * 0.5)


def test_zero_maps_give_finite_values():
    z = torch.zeros(1, 2, 2, 2)
    assert torch.isfinite(factor_loss(z, torch.rand(1, 2, 2, 2)))


def test_teacher_gets_no_gradient():
    s = torch.rand(1, 2, 2, 2, requires_grad=True)
    t = torch.rand(1, 2, 2, 2, requires_grad=True)
    factor_loss(s, t).backward()
    assert s.grad is not None and t.grad is None


def test_module_from_registry_weights_the_loss():
    s, t = torch.rand(2, 2, 3, 3), torch.rand(2, 2, 3, 3)
    loss = MODELS.build(dict(type='FactorTransferLoss', reduction='element', loss_weight=3.0))
    assert isinstance(loss, FactorTransferLoss)
    assert loss(s, t).item() == pytest.approx(3.0 * factor_loss(s, t, 'element').item())


def test_bad_options_and_shapes():
    with pytest.raises(ValueError, match=r"\('sample', 'element'\)"):
        FactorTransferLoss(reduction='sum')
    with pytest.raises(ValueError, match=r"\('sample', 'element'\)"):
        factor_loss(torch.rand(1, 2, 2, 2), torch.rand(1, 2, 2, 2), 'mean')
    with pytest.raises(TypeError):
        MODELS.build(dict(type='FactorTransferLoss', weight=1.0))
    with pytest.raises(ValueError, match='differ in shape'):
        factor_loss(torch.rand(1, 2, 3, 3), torch.rand(1, 4, 3, 3))
