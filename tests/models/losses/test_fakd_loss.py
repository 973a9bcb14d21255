import pytest
import torch

from mmkd_ext.models.losses import FAKDLoss, fakd_loss, spatial_affinity
from mmkd_ext.registry import MODELS

C = 2**-0.5


def test_golden_values():
    # 2 channels, a 1x2 map. Student: p0 = (1, 0), p1 = (1, 1) -> cos = 1/sqrt(2);
    # teacher: p0 = (1, 0), p1 = (0, 2) -> orthogonal
    s = torch.tensor([[[[1.0, 1.0]], [[0.0, 1.0]]]])
    t = torch.tensor([[[[1.0, 0.0]], [[0.0, 2.0]]]])
    assert torch.allclose(spatial_affinity(s), torch.tensor([[[1.0, C], [C, 1.0]]]))
    assert torch.allclose(spatial_affinity(t), torch.eye(2)[None])
    # |A_s - A_t| = [[0, c], [c, 0]] -> mean 2c / 4
    assert fakd_loss(s, t).item() == pytest.approx(2 * C / 4)


def test_patches_golden_value_and_shape():
    # a 4x4 map in 2x2 patches: 4 patches per sample, 4 x 4 affinities each
    s = torch.rand(2, 3, 4, 4)
    a = spatial_affinity(s, patch_size=2)
    assert a.shape == (2 * 4, 4, 4)
    # the first patch of the first sample is the top-left 2x2 block
    block = s[:1, :, :2, :2]
    assert torch.allclose(a[0], spatial_affinity(block)[0], atol=1e-6)
    # patch 1: every "affinity" is a unit vector with itself
    assert torch.allclose(spatial_affinity(s, patch_size=1), torch.ones(2 * 16, 1, 1))
    # the whole map equals one patch of the map's size
    assert torch.allclose(spatial_affinity(s, patch_size=4), spatial_affinity(s))


def test_zero_on_identical_positive_otherwise_and_channel_free():
    g = torch.Generator().manual_seed(0)
    t = torch.randn(2, 8, 4, 4, generator=g)
    assert fakd_loss(t.clone(), t).item() == pytest.approx(0, abs=1e-6)
    # channels may differ; each position's scale does not matter
    scale = torch.rand(2, 1, 4, 4, generator=g) + 0.5
    assert fakd_loss(scale * torch.cat([t, t], 1), t).item() == pytest.approx(0, abs=1e-6)
    assert fakd_loss(torch.randn(2, 4, 4, 4, generator=g), t).item() > 0
    assert fakd_loss(torch.randn(2, 4, 4, 4, generator=g), t, patch_size=2).item() > 0


def test_teacher_gets_no_gradient():
    s = torch.rand(1, 2, 4, 4, requires_grad=True)
    t = torch.rand(1, 4, 4, 4, requires_grad=True)
    fakd_loss(s, t).backward()
    assert s.grad is not None and s.grad.abs().sum() > 0 and t.grad is None


def test_module_from_registry():
    s, t = torch.rand(2, 2, 4, 4), torch.rand(2, 4, 4, 4)
    loss = MODELS.build(dict(type='FAKDLoss', patch_size=2, loss_weight=10.0))
    assert isinstance(loss, FAKDLoss) and loss.channel_agnostic
    assert loss(s, t).item() == pytest.approx(10 * fakd_loss(s, t, patch_size=2).item())


def test_map_too_large_for_memory():
    # 2 x (16*16)^2 fp32 values = 0.5 MiB per affinity, over a 0.25 MiB limit
    s, t = torch.rand(2, 2, 16, 16), torch.rand(2, 2, 16, 16)
    loss = FAKDLoss(max_affinity_gib=0.25 / 1024)
    with pytest.raises(ValueError) as info:
        loss(s, t)
    message = str(info.value)
    for part in ('(2, 2, 16, 16)', '2 x (16*16)^2', '0.50 MiB', 'max_affinity_gib=0.000244',
                 '(H*W)^2', 'Tap a smaller feature map', 'set patch_size=8'):
        assert part in message, (part, message)
    # the suggested patch size fits: 2 x 4 patches x 64^2 values = 128 KiB
    assert FAKDLoss(patch_size=8, max_affinity_gib=0.25 / 1024)(s, t).item() > 0
    assert FAKDLoss(max_affinity_gib=None)(s, t).item() > 0


@pytest.mark.parametrize('kwargs, match', [
    (dict(patch_size=0), 'patch_size must be a positive int or None, got 0'),
    (dict(patch_size=2.5), 'patch_size must be a positive int or None, got 2.5'),
    (dict(max_affinity_gib=0), 'max_affinity_gib must be > 0 or None'),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FAKDLoss(**kwargs)


def test_bad_shapes_and_patches():
    with pytest.raises(ValueError, match='differ in batch or spatial size'):
        fakd_loss(torch.rand(1, 2, 4, 4), torch.rand(1, 2, 4, 6))
    with pytest.raises(ValueError, match=r'patch_size=3 does not divide the 4x6 .* \[1, 2\]'):
        fakd_loss(torch.rand(1, 2, 4, 6), torch.rand(1, 2, 4, 6), patch_size=3)
