import pytest
import torch

from mmkd_ext.models.losses import ATLoss, at_loss, attention_map
from mmkd_ext.registry import MODELS


def test_golden_values():
    # one channel, a 1x2 map: student (1, 2) -> a = (1, 4) / sqrt(17);
    # teacher (2, 2) -> a = (4, 4) / sqrt(32) = (1, 1) / sqrt(2)
    s = torch.tensor([[[[1.0, 2.0]]]])
    t = torch.tensor([[[[2.0, 2.0]]]])
    assert torch.allclose(attention_map(s), torch.tensor([[1.0, 4.0]]) / 17**0.5)
    d0, d1 = 1 / 17**0.5 - 2**-0.5, 4 / 17**0.5 - 2**-0.5
    assert at_loss(s, t).item() == pytest.approx((d0**2 + d1**2) / 2)
    # a = mean over channels of F^2: channels (1, 0) and (1, 2) give (1 + 1, 0 + 4) / 2
    f = torch.tensor([[[[1.0, 0.0]], [[1.0, 2.0]]]])
    assert torch.allclose(attention_map(f), torch.tensor([[1.0, 2.0]]) / 5**0.5)


def test_equals_mmrazor_atloss():
    from mmrazor.models.losses import ATLoss as RazorATLoss
    g = torch.Generator().manual_seed(0)
    s, t = torch.randn(2, 4, 6, 6, generator=g), torch.randn(2, 4, 6, 6, generator=g)
    assert at_loss(s, t).item() == pytest.approx(RazorATLoss()(s, t).item(), rel=1e-6)


def test_zero_on_identical_positive_otherwise_and_channel_free():
    g = torch.Generator().manual_seed(0)
    t = torch.randn(2, 8, 5, 5, generator=g)
    assert at_loss(t.clone(), t).item() == 0
    # the channels may differ; a positive rescaling of the feature changes nothing
    assert at_loss(3 * torch.cat([t, t], 1), t).item() == pytest.approx(0, abs=1e-12)
    assert at_loss(torch.randn(2, 4, 5, 5, generator=g), t).item() > 0


def test_teacher_gets_no_gradient():
    s = torch.rand(1, 2, 3, 3, requires_grad=True)
    t = torch.rand(1, 4, 3, 3, requires_grad=True)
    at_loss(s, t).backward()
    assert s.grad is not None and s.grad.abs().sum() > 0 and t.grad is None


def test_module_from_registry():
    s, t = torch.rand(1, 2, 3, 3), torch.rand(1, 4, 3, 3)
    loss = MODELS.build(dict(type='ATLoss', loss_weight=1000.0))
    assert isinstance(loss, ATLoss) and loss.channel_agnostic
    assert loss(s, t).item() == pytest.approx(1000 * at_loss(s, t).item())
    with pytest.raises(TypeError):
        MODELS.build(dict(type='ATLoss', weight=1.0))


def test_bad_shapes():
    with pytest.raises(ValueError, match='differ in batch or spatial size'):
        at_loss(torch.rand(1, 2, 3, 3), torch.rand(1, 2, 4, 4))
    with pytest.raises(ValueError, match='differ in batch or spatial size'):
        at_loss(torch.rand(2, 2, 3, 3), torch.rand(1, 2, 3, 3))
