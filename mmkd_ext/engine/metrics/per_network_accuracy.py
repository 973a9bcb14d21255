"""Top-k accuracy of every network of an online-distillation model (AFD, DML)."""
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.evaluation import Accuracy

from mmkd_ext.registry import METRICS

__all__ = ['PerNetworkAccuracy']


@METRICS.register_module()
class PerNetworkAccuracy(BaseMetric):
    """``net{k}/accuracy/top{t}`` for each network, and ``best/accuracy/top{t}``, their max.

    Reads ``net_pred_scores`` (K, num_classes) and ``gt_label`` from each data sample, as
    :meth:`mmkd_ext.models.AFD.predict` writes them. ``CheckpointHook(save_best=...)`` can
    then keep the best single network (``'best/accuracy/top1'``) or a named one
    (``'net1/accuracy/top1'``).

    Args:
        topk (Sequence[int]): Which top-k accuracies. Defaults to (1, ).
        collect_device (str): Defaults to ``'cpu'``.
    """

    default_prefix: Optional[str] = None

    def __init__(self, topk: Sequence[int] = (1, ), collect_device: str = 'cpu'):
        super().__init__(collect_device=collect_device)
        self.topk = tuple(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'net_pred_scores' not in sample:
                raise KeyError('PerNetworkAccuracy needs `net_pred_scores` in the data samples '
                               '(written by online algorithms such as AFD)')
            self.results.append(dict(scores=sample['net_pred_scores'].cpu(),
                                     gt=sample['gt_label'].cpu()))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        scores = torch.stack([r['scores'] for r in results])  # (N, K, num_classes)
        target = torch.cat([r['gt'] for r in results])
        metrics = {}
        for k in range(scores.shape[1]):
            for t, acc in zip(self.topk, Accuracy.calculate(scores[:, k], target, self.topk)):
                metrics[f'net{k}/accuracy/top{t}'] = float(acc[0].item())  # thrs=(0., )
        for t in self.topk:
            metrics[f'best/accuracy/top{t}'] = max(
                metrics[f'net{k}/accuracy/top{t}'] for k in range(scores.shape[1]))
        return metrics
