"""The plumbing the distillation algorithms share."""
import pytest
import torch
from mmengine.model import MMDistributedDataParallel
from torch import nn

from mmkd_ext.models.algorithms.plumbing import (
    build_connector,
    connector_or_identity,
    judging,
    parse_tap_specs,
    probe,
    unwrap,
)
from mmkd_ext.models.feature_taps import FeatureTaps
from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier


def test_unwrap_returns_the_wrapped_module():
    net = nn.Linear(2, 2)
    wrapper = MMDistributedDataParallel.__new__(MMDistributedDataParallel)
    nn.Module.__init__(wrapper)
    wrapper.module = net
    assert unwrap(wrapper) is net and unwrap(net) is net


def test_tap_specs_in_order_and_bad_keys():
    specs = dict(a=dict(student='s.a', teacher='t.a', loss=dict(type='FitNetLoss')),
                 b=dict(student='s.b', teacher='t.b', loss={}, connector=None))
    assert parse_tap_specs(specs) == [('a', 's.a', 't.a'), ('b', 's.b', 't.b')]
    assert parse_tap_specs(None) == []
    for bad in (dict(student='s', teacher='t'), dict(student='s', teacher='t', loss={},
                                                     weight=1), 'body'):
        with pytest.raises(ValueError, match=r"distill_losses\['x'\] must be a dict with keys "
                           'student, teacher, loss and optionally connector'):
            parse_tap_specs(dict(x=bad))


def test_probe_leaves_the_model_as_it_was():
    model = MODELS.build(tiny_classifier(2))
    model.train()
    stats = {k: v.clone() for k, v in model.state_dict().items()}
    taps = FeatureTaps(model, ['backbone.layer2', 'backbone.layer3'], stop_after_last=True)
    shapes, logits = probe(model, taps, (1, 16, 16))
    assert shapes == {'backbone.layer2': (1, 4, 8, 8), 'backbone.layer3': (1, 8, 4, 4)}
    assert logits is None  # the taps stopped the forward
    _, logits = probe(model, taps, (1, 16, 16), full=True)
    assert logits.shape == (1, 10) and not logits.requires_grad
    assert model.training and taps.stop_after_last
    assert all(torch.equal(v, stats[k]) for k, v in model.state_dict().items())


def test_connector_or_identity():
    assert isinstance(connector_or_identity(None, (1, 8, 4, 4), (1, 8, 4, 4), 'x'), nn.Identity)
    conv = connector_or_identity(dict(type='ConvRegressor'), (1, 4, 4, 4), (1, 8, 4, 4), 'x')
    assert (conv.conv.in_channels, conv.conv.out_channels) == (4, 8)
    with pytest.raises(ValueError, match=r'x: student feature has 4 channels and the teacher '
                       r"feature 8; add a connector, e.g. connector=dict\(type='ConvRegressor'"):
        connector_or_identity(None, (1, 4, 4, 4), (1, 8, 4, 4), 'x')
    with pytest.raises(ValueError, match='differ in spatial size; tap layers at the same'):
        connector_or_identity(dict(type='ConvRegressor'), (1, 4, 4, 4), (1, 8, 2, 2), 'x')
    with pytest.raises(ValueError, match=r'y: the translator maps 5 -> 8 channels but the taps '
                       r'have 4 \(a\) -> 8 \(b\)'):
        build_connector(dict(type='ConvRegressor', in_channels=5), 4, 8, 'y', 'translator',
                        ('a', 'b'))


def test_judging_uses_batch_statistics_without_updating_them():
    disc = MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8))
    disc.train()
    feats = torch.rand(4, 8, 3, 3, requires_grad=True)
    before = {k: v.clone() for k, v in disc.state_dict().items()}
    expected = disc(feats).detach()  # what training mode gives (and moves the statistics)
    disc.load_state_dict(before)
    with judging([disc]):
        score = disc(feats)
    assert torch.allclose(score, expected)
    assert all(torch.equal(v, before[k]) for k, v in disc.state_dict().items())
    score.sum().backward()
    assert feats.grad is not None and all(p.grad is None for p in disc.parameters())
    assert all(p.requires_grad for p in disc.parameters())
    assert all(m.track_running_stats for m in disc.modules() if hasattr(m, 'track_running_stats'))
