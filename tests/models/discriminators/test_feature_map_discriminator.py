import pytest
import torch

from mmkd_ext.registry import MODELS


@pytest.mark.parametrize('output, shape', [('map', (2, 1, 5, 5)), ('sample', (2, 1))])
def test_scores_and_gradients(output, shape):
    disc = MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8, output=output))
    feat = torch.rand(2, 8, 5, 5, requires_grad=True)
    score = disc(feat)
    assert score.shape == shape
    score.sum().backward()
    assert feat.grad is not None
    assert all(p.grad is not None for p in disc.parameters())


def test_default_hidden_channels():
    disc = MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=32, num_convs=1))
    assert disc.layers[0].out_channels == 16 and len(disc.layers) == 4


def test_bad_options_and_inputs():
    with pytest.raises(ValueError, match=r"\('map', 'sample'\)"):
        MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8, output='scalar'))
    with pytest.raises(ValueError, match='>= 1'):
        MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8, num_convs=0))
    disc = MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8))
    with pytest.raises(ValueError, match=r'\(N, 8, H, W\)'):
        disc(torch.rand(2, 4, 5, 5))


def test_without_normalisation_each_sample_is_judged_on_its_own():
    torch.manual_seed(0)
    disc = MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8, norm='none'))
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in disc.modules())
    feats = torch.rand(4, 8, 5, 5)
    assert torch.allclose(disc(feats)[:2], disc(feats[:2]), atol=1e-6)
    batch_norm = MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8))
    assert not torch.allclose(batch_norm(feats)[:2], batch_norm(feats[:2]), atol=1e-6)
    with pytest.raises(ValueError, match=r"\('batch', 'none'\), got 'group'"):
        MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8, norm='group'))
