import pytest
import torch

from mmkd_ext.models.losses import (
    LSGANDiscriminatorLoss,
    LSGANGeneratorLoss,
    lsgan_d_loss,
    lsgan_g_loss,
)
from mmkd_ext.registry import MODELS


def test_golden_values():
    real = torch.tensor([[1.0], [0.5]])   # (1 - r)^2 = [0, 0.25] -> 0.125
    fake = torch.tensor([[0.0], [-1.0]])  # f^2 = [0, 1] -> 0.5
    assert lsgan_d_loss(real, fake).item() == pytest.approx(0.625)
    assert lsgan_g_loss(fake).item() == pytest.approx((1 + 4) / 2)  # (1 - f)^2 = [1, 4]


def test_zero_at_the_targets_and_positive_otherwise():
    ones, zeros = torch.ones(2, 1, 3, 3), torch.zeros(2, 1, 3, 3)
    assert lsgan_d_loss(ones, zeros).item() == 0
    assert lsgan_g_loss(ones).item() == 0
    assert lsgan_d_loss(zeros, ones).item() > 0 and lsgan_g_loss(zeros).item() > 0


def test_modules_from_registry():
    real, fake = torch.rand(2, 1, 2, 2), torch.rand(2, 1, 2, 2)
    d_loss = MODELS.build(dict(type='LSGANDiscriminatorLoss', loss_weight=2.0))
    g_loss = MODELS.build(dict(type='LSGANGeneratorLoss', loss_weight=0.5))
    assert isinstance(d_loss, LSGANDiscriminatorLoss) and isinstance(g_loss, LSGANGeneratorLoss)
    assert d_loss(real, fake).item() == pytest.approx(2 * lsgan_d_loss(real, fake).item())
    assert g_loss(fake).item() == pytest.approx(0.5 * lsgan_g_loss(fake).item())
    with pytest.raises(TypeError):
        MODELS.build(dict(type='LSGANGeneratorLoss', weight=1.0))


def test_per_sample_form_golden_values_and_mean():
    real = torch.tensor([[1.0, 0.0], [0.5, 0.5]]).view(2, 1, 1, 2)  # (1 - r)^2: [.5, .25]
    fake = torch.tensor([[0.0, 2.0], [-1.0, 1.0]]).view(2, 1, 1, 2)  # f^2: [2, 1]
    d = lsgan_d_loss(real, fake, reduction='none')
    g = lsgan_g_loss(fake, reduction='none')  # (1 - f)^2: [(1 + 1) / 2, (4 + 0) / 2]
    assert d.shape == g.shape == (2, )
    assert d.tolist() == pytest.approx([2.5, 1.25])
    assert g.tolist() == pytest.approx([1.0, 2.0])
    assert d.mean().item() == pytest.approx(lsgan_d_loss(real, fake).item())
    assert g.mean().item() == pytest.approx(lsgan_g_loss(fake).item())
    scores = torch.tensor([0.2, 0.9])  # one score per sample, no other dimension
    assert lsgan_g_loss(scores, 'none').tolist() == pytest.approx([0.64, 0.01])
    loss = MODELS.build(dict(type='LSGANGeneratorLoss', loss_weight=2.0, reduction='none'))
    assert loss(fake).tolist() == pytest.approx([2.0, 4.0])


def test_bad_reduction_and_unpaired_samples():
    with pytest.raises(ValueError, match=r"\('mean', 'none'\), got 'sum'"):
        lsgan_g_loss(torch.zeros(2, 1), reduction='sum')
    with pytest.raises(ValueError, match=r"\('mean', 'none'\)"):
        MODELS.build(dict(type='LSGANDiscriminatorLoss', reduction='batchmean'))
    with pytest.raises(ValueError, match='2 real and 3 fake'):
        lsgan_d_loss(torch.zeros(2, 1), torch.zeros(3, 1), reduction='none')
