import numpy as np
import pytest
import torch

from mmkd_ext.models.losses.perceptual_style_loss import (
    PerceptualStyleLoss,
    content_loss,
    gram_matrix,
    style_loss,
)
from mmkd_ext.registry import MODELS

STYLE = (np.arange(16 * 16 * 3) % 251).astype(np.uint8).reshape(16, 16, 3)
SMALL = dict(content_layer='relu1_2', style_layers=('relu1_2', ), style_weights=(1.0, ))


def test_gram_golden_values():
    feat = torch.tensor([[[[1., 2.], [3., 4.]], [[0., 1.], [0., 1.]]]])  # (1, 2, 2, 2)
    # <f0, f0> = 30, <f0, f1> = 6, <f1, f1> = 2, divided by C * H * W = 8
    assert torch.allclose(gram_matrix(feat), torch.tensor([[[30., 6.], [6., 2.]]]) / 8)


def test_per_sample_terms_zero_at_the_target_and_positive_otherwise():
    a, b = torch.rand(3, 2, 4, 4), torch.rand(3, 2, 4, 4)
    assert content_loss(a, a).tolist() == [0, 0, 0]
    assert (content_loss(a, b) > 0).all() and content_loss(a, b).shape == (3, )
    grams = [gram_matrix(a[:1])]
    per_sample = style_loss([a], grams, [2.0])
    assert per_sample[0] == 0 and (per_sample[1:] > 0).all()
    assert torch.allclose(per_sample, 2 * (gram_matrix(a) - grams[0]).pow(2).mean((1, 2)))


def test_module_from_registry_weights_each_sample():
    loss = MODELS.build(dict(type='PerceptualStyleLoss', style_image=STYLE, **SMALL,
                             content_weight=0.5))
    assert isinstance(loss, PerceptualStyleLoss)
    assert not any(p.requires_grad for p in loss.parameters())
    style = torch.from_numpy(STYLE).permute(2, 0, 1)[None].float() / 127.5 - 1
    source = torch.rand(2, 3, 16, 16) * 2 - 1
    out = loss(torch.cat([style, source[1:]]), source)
    assert out['style'].shape == (2, ) and out['style'][0] < 1e-10 < out['style'][1]
    assert out['content'][1] == 0 and out['content'][0] > 0  # the source itself


def test_loads_torchvision_vgg16_weights(tmp_path):
    ref = PerceptualStyleLoss(STYLE, **SMALL)
    path = str(tmp_path / 'vgg16.pth')
    torch.save({f'features.{k}': v + 1 for k, v in ref.vgg.state_dict().items()}, path)
    loaded = PerceptualStyleLoss(STYLE, vgg_checkpoint=path, **SMALL)
    assert torch.equal(loaded.vgg[0].weight, ref.vgg[0].weight + 1)


def test_vgg_checkpoint_with_wrong_keys_names_them(tmp_path):
    path = str(tmp_path / 'resnet.pth')
    torch.save({'conv1.weight': torch.zeros(1), 'fc.bias': torch.zeros(1)}, path)
    with pytest.raises(ValueError, match=r"missing keys \['0.bias', '0.weight'.*it has "
                                         r"\['conv1.weight', 'fc.bias'\]"):
        PerceptualStyleLoss(STYLE, vgg_checkpoint=path, **SMALL)
    with pytest.raises(FileNotFoundError, match='nowhere.pth'):
        PerceptualStyleLoss(STYLE, vgg_checkpoint=str(tmp_path / 'nowhere.pth'), **SMALL)


def test_style_image_that_cannot_be_read(tmp_path):
    broken = tmp_path / 'style.png'
    broken.write_bytes(b'\x89PNG\r\n\x1a\n truncated')
    with pytest.raises(ValueError, match=f"cannot read style image '{broken}'"):
        PerceptualStyleLoss(str(broken), **SMALL)
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        PerceptualStyleLoss(str(tmp_path / 'missing.jpg'), **SMALL)
    with pytest.raises(ValueError, match=r'\(H, W, 3\) uint8'):
        PerceptualStyleLoss(np.zeros((8, 8), np.uint8), **SMALL)


def test_bad_layers():
    with pytest.raises(ValueError, match="unknown VGG16 layer 'relu5_3'.*'relu1_2'"):
        PerceptualStyleLoss(STYLE, content_layer='relu5_3')
    with pytest.raises(ValueError, match='equal length'):
        PerceptualStyleLoss(STYLE, style_layers=('relu1_2', ), style_weights=(1.0, 2.0))
