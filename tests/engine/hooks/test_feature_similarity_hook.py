import pytest
import torch
from mmengine.logging import MessageHub

from mmkd_ext.engine.hooks.feature_similarity_hook import FeatureSimilarityHook, linear_cka
from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier, tiny_cls_batch


def test_linear_cka_golden_values_and_invariances():
    x = torch.randn(16, 4, 2, 2, generator=torch.Generator().manual_seed(0))
    assert linear_cka(x, x).item() == pytest.approx(1.0)
    q, _ = torch.linalg.qr(torch.randn(16, 16, dtype=torch.float64))
    rotated = (x.flatten(1).double() @ q) * 3.0 + 1.0  # rotation, scale, shift
    assert linear_cka(x, rotated).item() == pytest.approx(1.0)
    # orthogonal one-dimensional features: <x, y> = 0 after centring -> 0
    a = torch.tensor([[1.0], [-1.0], [1.0], [-1.0]])
    b = torch.tensor([[1.0], [1.0], [-1.0], [-1.0]])
    assert linear_cka(a, b).item() == pytest.approx(0.0)
    with pytest.raises(ValueError, match='N >= 2'):
        linear_cka(x[:1], x[:1])


class _Runner:

    def __init__(self, model):
        self.model = model
        self.message_hub = MessageHub.get_instance('test_feature_similarity_hook')


def test_hook_logs_every_pair_on_at_most_max_samples():
    model = MODELS.build(dict(type='AFD', nets=[tiny_classifier(w) for w in (2, 4, 4)],
                              feature_mode='none', probe_shape=(1, 16, 16)))
    model.eval()
    runner, hook = _Runner(model), FeatureSimilarityHook(max_samples=5)
    hook.before_val_epoch(runner)
    for seed in range(3):
        inputs, samples = tiny_cls_batch(n=4, seed=seed)
        hook.after_val_iter(runner, seed, dict(inputs=list(255 * inputs), data_samples=samples))
    assert hook._count == 5 and sum(len(m[0]) for m in hook._maps) == 5
    hook.after_val_epoch(runner, {})
    scalars = runner.message_hub.log_scalars
    for pair in ('net0-net1', 'net0-net2', 'net1-net2'):
        assert 0 < scalars[f'val/cka/{pair}'].current() <= 1


def test_hook_needs_feature_maps():
    runner = _Runner(MODELS.build(tiny_classifier(2)))
    inputs, samples = tiny_cls_batch(n=2)
    with pytest.raises(TypeError, match='feature_maps'):
        FeatureSimilarityHook().after_val_iter(runner, 0, dict(inputs=list(inputs),
                                                               data_samples=samples))
