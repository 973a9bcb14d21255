import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

import mmkd_ext.engine.metrics  # noqa: F401  (registers PerNetworkAccuracy)
from mmkd_ext.registry import METRICS


def sample(scores, label):
    data_sample = DataSample().set_gt_label(label)
    data_sample.set_field(torch.tensor(scores), 'net_pred_scores')
    return data_sample


def test_golden_values_per_network_and_best():
    init_default_scope('mmkd_ext')
    metric = METRICS.build(dict(type='PerNetworkAccuracy', topk=(1, 2)))
    # 3 classes, 2 networks, 2 samples: net0 right on both, net1 right on the second only
    samples = [sample([[0.7, 0.2, 0.1], [0.2, 0.3, 0.5]], 0),
               sample([[0.1, 0.8, 0.1], [0.1, 0.6, 0.3]], 1)]
    metric.process(None, [s.to_dict() for s in samples])
    result = metric.evaluate(2)
    assert result == pytest.approx({
        'net0/accuracy/top1': 100.0, 'net0/accuracy/top2': 100.0,
        'net1/accuracy/top1': 50.0, 'net1/accuracy/top2': 50.0,
        'best/accuracy/top1': 100.0, 'best/accuracy/top2': 100.0})


def test_needs_per_network_scores():
    metric = METRICS.build(dict(type='PerNetworkAccuracy'))
    with pytest.raises(KeyError, match='net_pred_scores'):
        metric.process(None, [DataSample().set_gt_label(0).to_dict()])
