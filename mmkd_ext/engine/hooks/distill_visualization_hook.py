"""Picture what an SR feature-distillation run is doing, every N iterations."""
from typing import List, Optional, Sequence

import cv2
import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmkd_ext.registry import HOOKS

__all__ = ['DistillVisualizationHook']


def _to_rgb(img: torch.Tensor, size: Sequence[int]) -> np.ndarray:
    """(3, h, w) image in [0, 1] -> (H, W, 3) uint8, nearest-resized to ``size``."""
    arr = (img.detach().float().clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255).round()
    return cv2.resize(arr.astype(np.uint8), (size[1], size[0]),
                      interpolation=cv2.INTER_NEAREST)


def _to_heatmap(value: torch.Tensor, size: Sequence[int]) -> np.ndarray:
    """(h, w) non-negative map -> (H, W, 3) uint8 colour map scaled to its own maximum."""
    arr = value.detach().float().cpu().numpy()
    arr = (255 * arr / max(float(arr.max()), 1e-12)).astype(np.uint8)
    heat = cv2.applyColorMap(arr, cv2.COLORMAP_INFERNO)[..., ::-1]
    return cv2.resize(heat, (size[1], size[0]), interpolation=cv2.INTER_NEAREST)


def _label(img: np.ndarray, text: str) -> np.ndarray:
    img = np.ascontiguousarray(img)
    cv2.putText(img, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 3)
    cv2.putText(img, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1)
    return img


@HOOKS.register_module()
class DistillVisualizationHook(Hook):
    """Write LR | student SR | teacher SR | HR | distance | attention panels of one fixed
    validation image through the runner's visualizer (every vis backend it has: local PNGs
    under ``vis_data/vis_image``, TensorBoard, ...).

    Works with :class:`FeatureDistill` (and so LSFD): the distance panel is
    ``mean_c |r(F_s) - F_t|`` at the chosen term's tap (for a channel-agnostic loss such as
    AT or FAKD between maps of different widths, the distance of their spatial attention
    maps; see :meth:`FeatureDistill.inspect`), the attention panel the LSFD selective
    attention (absent for FitNet).

    Args:
        interval (int): Every how many training iterations. Defaults to 500.
        index (int): Which validation sample. Defaults to 0.
        term (str, optional): Which ``distill_losses`` entry. Defaults to the first.
        name (str): Image name in the visualizer. Defaults to ``'distill'``.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 500, index: int = 0, term: Optional[str] = None,
                 name: str = 'distill'):
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(f'interval must be a positive int, got {interval!r}')
        self.interval, self.index, self.term, self.name = interval, index, term, name

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.every_n_train_iters(runner, self.interval) or self.is_last_train_iter(runner):
            runner.visualizer.add_image(self.name, self.panels(runner), step=runner.iter + 1)

    def panels(self, runner) -> np.ndarray:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'inspect'):
            raise TypeError(f'DistillVisualizationHook needs a FeatureDistill model, got '
                            f'{type(model).__name__}')
        loop = runner.val_loop  # mmengine's ValLoop, or mmagic's MultiValLoop (first set)
        dataset = (loop.dataloaders[0] if hasattr(loop, 'dataloaders') else
                   loop.dataloader).dataset
        if not 0 <= self.index < len(dataset):
            raise ValueError(f'index {self.index} is outside the validation set '
                             f'(0..{len(dataset) - 1})')
        # training=True: mmagic's preprocessor then also normalises the HR target (to RGB
        # in [0, 1], like the inputs); in eval mode it leaves it as BGR in [0, 255].
        data = model.data_preprocessor(pseudo_collate([dataset[self.index]]), True)
        inputs, samples = data['inputs'], data['data_samples']
        training = model.training
        model.eval()
        try:
            out = model.inspect(inputs)
        finally:
            model.train(training)
        term = self.term or next(iter(out['maps']))
        if term not in out['maps']:
            raise KeyError(f'term {term!r} is not a distillation term; have {list(out["maps"])}')
        hr = samples.gt_img[0]
        size = hr.shape[-2:]
        tiles: List[np.ndarray] = [
            _label(_to_rgb(inputs[0], size), 'LR'),
            _label(_to_rgb(out['student_sr'][0], size), 'student'),
            _label(_to_rgb(out['teacher_sr'][0], size), 'teacher'),
            _label(_to_rgb(hr, size), 'HR'),
            _label(_to_heatmap(out['maps'][term]['distance'][0], size),
                   f"{out['maps'][term].get('distance_label', '|r(S)-T|')} {term}"),
        ]
        if out['maps'][term]['attention'] is not None:
            tiles.append(_label(_to_heatmap(out['maps'][term]['attention'][0], size),
                                'attention'))
        gap = np.full((size[0], 4, 3), 255, np.uint8)
        return np.concatenate([t for tile in tiles for t in (tile, gap)][:-1], axis=1)
