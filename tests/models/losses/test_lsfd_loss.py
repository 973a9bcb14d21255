import pytest
import torch
import torch.nn.functional as F

from mmkd_ext.models.losses import LSFDLoss, fitnet_loss, local_affinity, lsfd_attention, lsfd_loss
from mmkd_ext.models.losses.lsfd_loss import DEFAULT_LOCAL_MODE, LOCAL_MODES
from mmkd_ext.registry import MODELS

MODES = list(LOCAL_MODES)
# the modes that change what is compared (not only how point-wise distances are averaged)
LOCAL = [m for m in MODES if m not in ('none', 'window')]


def feats(seed=0, shape=(2, 4, 6, 6)):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g), torch.randn(shape, generator=g)


def test_modes_and_default():
    assert MODES == ['none', 'window', 'mean', 'norm', 'affinity', 'patch']
    assert DEFAULT_LOCAL_MODE in LOCAL
    assert LSFDLoss().local_mode == DEFAULT_LOCAL_MODE


@pytest.mark.parametrize('distance', ['l1', 'l2'])
def test_equals_fitnet_without_local_and_attention(distance):
    s, t = feats()
    loss, attention = lsfd_loss(s, t, distance, local_mode='none', tau=None)
    assert attention is None
    assert torch.equal(loss, fitnet_loss(s, t, distance))


def interior_gradients(mode, distance, k=3):
    """The student's gradient under ``mode`` (no attention) and under FitNet, away from
    the border (a position's windows are all full 2 * (k // 2) pixels inside)."""
    s, t = feats(shape=(2, 4, 12, 12))
    grads = []
    for fn in (lambda x: lsfd_loss(x, t, distance, mode, k, tau=None)[0],
               lambda x: fitnet_loss(x, t, distance)):
        x = s.clone().requires_grad_(True)
        fn(x).backward()
        m = 2 * (k // 2)
        grads.append(x.grad[..., m:-m, m:-m].flatten())
    return grads


def same_gradient_as_fitnet(mode, distance):
    """True when the interior gradient points where FitNet's does (cosine > 0.99)."""
    return F.cosine_similarity(*interior_gradients(mode, distance), dim=0).item() > 0.99


@pytest.mark.parametrize('distance', ['l1', 'l2'])
def test_window_without_attention_is_fitnet_inside_the_map(distance):
    # The pitfall the local modes avoid: window-averaging the point-wise distance is the same
    # sum, so the gradient is FitNet's exactly; the check below must (and does) catch it.
    ours, fitnet = interior_gradients('window', distance)
    assert torch.allclose(ours, fitnet, rtol=1e-5, atol=1e-10)
    assert same_gradient_as_fitnet('window', distance)


@pytest.mark.parametrize('distance', ['l1', 'l2'])
@pytest.mark.parametrize('mode', LOCAL)
def test_local_modes_are_not_fitnet(mode, distance):
    assert not same_gradient_as_fitnet(mode, distance)


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


def test_local_affinity_golden_value():
    # 2 channels, a 1x2 map: p0 = (1, 0), p1 = (1, 1); cos(p0, p1) = 1 / sqrt(2)
    f = torch.tensor([[[[1.0, 1.0]], [[0.0, 1.0]]]])
    a = local_affinity(f, 3)
    assert a.shape == (1, 8, 1, 2)  # k*k - 1 neighbour offsets, the centre left out
    c = 2**-0.5
    # offsets in row-major order without the centre: index 4 is (0, +1), index 3 is (0, -1)
    expected = torch.zeros(1, 8, 1, 2)
    expected[0, 4, 0, 0] = c  # p0's right neighbour is p1
    expected[0, 3, 0, 1] = c  # p1's left neighbour is p0
    assert torch.allclose(a, expected)
    # the student (1, 0), (0, 1): orthogonal, affinity 0; L1 over 8 x 2 entries: 2c / 16
    s = torch.tensor([[[[1.0, 0.0]], [[0.0, 1.0]]]])
    loss, _ = lsfd_loss(s, f, 'l1', 'affinity', 3, tau=None)
    assert loss.item() == pytest.approx(2 * c / 16)


def test_patch_mode_golden_value():
    # one channel, 1x2 map, k = 3: each window holds the two values and 7 zeros
    s = torch.tensor([[[[3.0, 4.0]]]])  # both windows (3, 4) / 5
    t = torch.tensor([[[[4.0, 3.0]]]])  # both windows (4, 3) / 5
    loss, _ = lsfd_loss(s, t, 'l1', 'patch', 3, tau=None)
    # per window: |0.6 - 0.8| + |0.8 - 0.6| = 0.4 over 9 entries; two windows alike
    assert loss.item() == pytest.approx(0.4 / 9)


def test_invariances_of_the_local_views():
    s, _ = feats()
    small = 0.01 * s  # feature scale matters: local variances ~1e-4
    # norm: each channel's offset and scale; affinity: each position's scale; patch: each
    # window's scale
    scale = torch.tensor([1.0, 2.0, 3.0, 4.0]).view(1, 4, 1, 1)
    assert lsfd_loss(scale * small + 3.0, small, local_mode='norm', tau=None)[0].item() == \
        pytest.approx(0, abs=1e-4)
    per_position = torch.rand(2, 1, 6, 6) + 0.5
    assert lsfd_loss(per_position * s, s, local_mode='affinity', tau=None)[0].item() == \
        pytest.approx(0, abs=1e-5)
    assert lsfd_loss(5 * s, s, local_mode='patch', tau=None)[0].item() == \
        pytest.approx(0, abs=1e-5)
    # none of this holds point-wise
    assert lsfd_loss(s + 3.0, s, local_mode='none', tau=None)[0].item() == pytest.approx(3.0)


def test_gradient_reaches_student_only():
    s, t = feats()
    s.requires_grad_(True)
    t.requires_grad_(True)
    lsfd_loss(s, t, local_mode='norm', tau=1.0)[0].backward()
    assert s.grad is not None and s.grad.abs().sum() > 0 and t.grad is None


@pytest.mark.parametrize('mode', MODES)
def test_memory_is_linear_in_positions(mode):
    # attention is one weight per position: (N, H, W), never (N, HW, HW)
    s, t = feats(shape=(1, 2, 32, 32))
    _, attention = lsfd_loss(s, t, local_mode=mode, tau=1.0)
    assert attention.shape == (1, 32, 32)
    assert local_affinity(s).shape == (1, 8, 32, 32)


def test_module_keeps_attention_and_weight():
    s, t = feats()
    loss = MODELS.build(dict(type='LSFDLoss', local_mode='mean', tau=0.5, loss_weight=2.0))
    assert isinstance(loss, LSFDLoss)
    value = loss(s, t)
    assert value.item() == pytest.approx(2 * lsfd_loss(s, t, 'l1', 'mean', 3, 0.5)[0].item())
    assert loss.last_attention.shape == (2, 6, 6)


@pytest.mark.parametrize('kwargs, match', [
    (dict(distance='l3'), r"distance must be one of \('l1', 'l2'\)"),
    (dict(local_mode='unfold'),
     r"local_mode must be one of \('none', 'window', 'mean', 'norm', 'affinity', 'patch'\), "
     r"got 'unfold'"),
    (dict(kernel_size=4), 'odd positive int'),
    (dict(local_mode='affinity', kernel_size=1), 'kernel_size must be >= 3'),
    (dict(tau=0), 'tau must be > 0 or None'),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSFDLoss(**kwargs)


def test_unknown_local_mode_in_the_function():
    s, t = feats()
    with pytest.raises(ValueError, match="local_mode must be one of .* got 'grid'"):
        lsfd_loss(s, t, local_mode='grid')


def test_attention_on_a_single_pixel_map():
    s, t = feats(shape=(2, 4, 1, 1))
    with pytest.raises(ValueError, match='maps are 1x1'):
        lsfd_loss(s, t, tau=1.0)
    assert lsfd_loss(s, t, local_mode='none', tau=None)[0].item() > 0
