import pytest
import torch

from mmkd_ext.models.losses import LSFDLoss, fitnet_loss, lsfd_attention, lsfd_loss
from mmkd_ext.registry import MODELS

MODES = ['none', 'window', 'mean', 'norm']


def feats(seed=0, shape=(2, 4, 6, 6)):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g), torch.randn(shape, generator=g)


@pytest.mark.parametrize('distance', ['l1', 'l2'])
def test_equals_fitnet_without_local_and_attention(distance):
    s, t = feats()
    loss, attention = lsfd_loss(s, t, distance, local_mode='none', tau=None)
    assert attention is None
    assert torch.equal(loss, fitnet_loss(s, t, distance))


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('tau', [None, 0.5])
def test_zero_on_identical_positive_otherwise(mode, tau):
    s, t = feats()
    assert lsfd_loss(t.clone(), t, local_mode=mode, tau=tau)[0].item() == pytest.approx(0, abs=1e-6)
    assert lsfd_loss(s, t, local_mode=mode, tau=tau)[0].item() > 0


def test_attention_is_detached_mean_one_and_selective():
    d = torch.tensor([[[1.0, 1.0], [1.0, 5.0]]], requires_grad=True)
    a = lsfd_attention(d, tau=1.0)
    assert not a.requires_grad
    assert a.mean().item() == pytest.approx(1.0)
    # softmax(d / (tau * mean d)) with mean d = 2: weights exp(0.5) x3 and exp(2.5), times 4
    e = torch.tensor([0.5, 0.5, 0.5, 2.5]).exp()
    assert torch.allclose(a.flatten(), 4 * e / e.sum())
    # uniform distances give uniform attention; a smaller tau is sharper
    assert torch.allclose(lsfd_attention(torch.ones(1, 3, 3), 0.1), torch.ones(1, 3, 3))
    assert lsfd_attention(d, 0.5).max() > a.max()


def test_window_mode_golden_value():
    # one channel, 1x3 map, kernel 3: window means (without padding) of |d| = [0, 3, 0]
    s = torch.tensor([[[[0.0, 3.0, 0.0]]]])
    t = torch.zeros_like(s)
    loss, _ = lsfd_loss(s, t, local_mode='window', kernel_size=3, tau=None)
    # window around each position in a 1x3 map: [0,3] -> 1.5, [0,3,0] -> 1, [3,0] -> 1.5
    assert loss.item() == pytest.approx((1.5 + 1.0 + 1.5) / 3)


def test_norm_mode_ignores_a_constant_offset():
    s, _ = feats()
    assert lsfd_loss(s + 3.0, s, local_mode='norm', tau=None)[0].item() == pytest.approx(0, abs=1e-4)
    assert lsfd_loss(s + 3.0, s, local_mode='none', tau=None)[0].item() == pytest.approx(3.0)


def test_gradient_reaches_student_only():
    s, t = feats()
    s.requires_grad_(True)
    t.requires_grad_(True)
    lsfd_loss(s, t, local_mode='norm', tau=1.0)[0].backward()
    assert s.grad is not None and s.grad.abs().sum() > 0 and t.grad is None


def test_memory_is_linear_in_positions():
    # attention is one weight per position: (N, H, W), never (N, HW, HW)
    s, t = feats(shape=(1, 2, 32, 32))
    _, attention = lsfd_loss(s, t, tau=1.0)
    assert attention.shape == (1, 32, 32)


def test_module_keeps_attention_and_weight():
    s, t = feats()
    loss = MODELS.build(dict(type='LSFDLoss', local_mode='mean', tau=0.5, loss_weight=2.0))
    assert isinstance(loss, LSFDLoss)
    value = loss(s, t)
    assert value.item() == pytest.approx(2 * lsfd_loss(s, t, 'l1', 'mean', 3, 0.5)[0].item())
    assert loss.last_attention.shape == (2, 6, 6)


@pytest.mark.parametrize('kwargs, match', [
    (dict(distance='l3'), r"distance must be one of \('l1', 'l2'\)"),
    (dict(local_mode='unfold'), r"local_mode must be one of \('none', 'window', 'mean', 'norm'\)"),
    (dict(kernel_size=4), 'odd positive int'),
    (dict(tau=0), 'tau must be > 0 or None'),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSFDLoss(**kwargs)


def test_attention_on_a_single_pixel_map():
    s, t = feats(shape=(2, 4, 1, 1))
    with pytest.raises(ValueError, match='maps are 1x1'):
        lsfd_loss(s, t, tau=1.0)
    assert lsfd_loss(s, t, local_mode='none', tau=None)[0].item() > 0
