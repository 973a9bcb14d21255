"""Feature-map similarity between the networks of an online-distillation run (AFD, DML)."""
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmkd_ext.registry import HOOKS

__all__ = ['linear_cka', 'FeatureSimilarityHook']


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Linear centred kernel alignment (Kornblith et al., ICML 2019, arXiv 1905.00414).

    Args:
        x (Tensor): (N, ...) features of N samples from one network.
        y (Tensor): (N, ...) features of the same samples from another; sizes may differ.

    Returns:
        Tensor: scalar in [0, 1]; 1 when the features agree up to rotation and scale.
    """
    if len(x) != len(y) or len(x) < 2:
        raise ValueError(f'linear_cka needs the same N >= 2 samples, got {len(x)} and {len(y)}')
    x = x.flatten(1).double()
    y = y.flatten(1).double()
    x = x - x.mean(0)
    y = y - y.mean(0)
    gram_x, gram_y = x @ x.T, y @ y.T
    return (gram_x * gram_y).sum() / (gram_x.norm() * gram_y.norm()).clamp_min(1e-12)


@HOOKS.register_module()
class FeatureSimilarityHook(Hook):
    """Log, after each validation, the linear CKA between every pair of networks' tapped
    feature maps (``val/cka/net{i}-net{j}``) on the first ``max_samples`` validation images.

    AFD's observation (ICML 2020, arXiv 2002.01775) is that adversarially trained networks
    keep distinct feature maps yet score higher; this makes it measurable. Needs a model
    with ``feature_maps(inputs)`` (``mmkd_ext.AFD`` with a tap on every network). Each
    process measures its own share of the validation set; rank 0's value is logged.

    Args:
        max_samples (int): Validation images used. Defaults to 512.
    """

    priority = 'NORMAL'  # before the LoggerHook writes the validation line

    def __init__(self, max_samples: int = 512):
        if max_samples < 2:
            raise ValueError(f'max_samples must be >= 2, got {max_samples}')
        self.max_samples = max_samples
        self._maps: List[List[torch.Tensor]] = []
        self._count = 0

    def before_val_epoch(self, runner) -> None:
        self._maps, self._count = [], 0

    def after_val_iter(self, runner, batch_idx: int, data_batch: Optional[dict] = None,
                       outputs=None) -> None:
        if self._count >= self.max_samples or data_batch is None:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'feature_maps'):
            raise TypeError(f'FeatureSimilarityHook needs a model with feature_maps(), such as '
                            f'AFD; got {type(model).__name__}')
        inputs = model.data_preprocessor(data_batch, False)['inputs']
        keep = self.max_samples - self._count
        self._maps.append([m[:keep].float().cpu() for m in model.feature_maps(inputs)])
        self._count += min(keep, len(inputs))

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        if self._count < 2:
            return
        maps = [torch.cat(per_net) for per_net in zip(*self._maps)]
        for i in range(len(maps)):
            for j in range(i + 1, len(maps)):
                value = float(linear_cka(maps[i], maps[j]))
                runner.message_hub.update_scalar(f'val/cka/net{i}-net{j}', value)
        self._maps = []
