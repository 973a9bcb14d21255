"""Picture what an SGN run has learnt: one fixed image under a set of mixes."""
from typing import Optional, Sequence

import numpy as np
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmkd_ext.apis.sgn_mix import MixType, default_mixes, mix_grid, parse_mix, read_image
from mmkd_ext.registry import HOOKS

__all__ = ['SGNMixGridHook']


@HOOKS.register_module()
class SGNMixGridHook(Hook):
    """Every ``interval`` training iterations (and after the last), translate one fixed
    image into each mix and write the labelled row through the runner's visualizer (every
    vis backend it has: PNGs under ``vis_data/vis_image``, TensorBoard, ...).

    Works with :class:`SGN`. The image and the mixes are checked before training starts.

    Args:
        image (str, optional): Path of the image (e.g. a held-out photo). Defaults to the
            first source image of the training set (``UnpairedMultiDomainDataset``).
        interval (int): Every how many iterations. Defaults to 500.
        mixes (Sequence, optional): Mixes as :func:`parse_mix` reads them. Defaults to
            :func:`default_mixes` (each term alone, pairs, uniform, extrapolation).
        size (int): Shorter side of the image, whose central square is translated.
            Defaults to 128.
        allow_extrapolation (bool): Accept negative entries. Defaults to False.
        name (str): Image name in the visualizer. Defaults to ``'sgn_mix'``.
    """

    priority = 'LOW'

    def __init__(self,
                 image: Optional[str] = None,
                 interval: int = 500,
                 mixes: Optional[Sequence[MixType]] = None,
                 size: int = 128,
                 allow_extrapolation: bool = False,
                 name: str = 'sgn_mix'):
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(f'interval must be a positive int, got {interval!r}')
        self.image, self.interval, self.mixes, self.size = image, interval, mixes, size
        self.allow_extrapolation, self.name = allow_extrapolation, name
        self._img: Optional[np.ndarray] = None

    @staticmethod
    def _model(runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'term_names') or not hasattr(model, 'generator'):
            raise TypeError(f'SGNMixGridHook needs an SGN model, got {type(model).__name__}')
        return model

    def before_train(self, runner) -> None:
        names = self._model(runner).term_names
        self._syms = [parse_mix(m, names, self.allow_extrapolation)
                      for m in (self.mixes or default_mixes(names))]
        image = self.image
        if image is None:
            dataset = runner.train_dataloader.dataset
            if not hasattr(dataset, 'paths'):
                raise ValueError('SGNMixGridHook: give `image` (the training set is a '
                                 f'{type(dataset).__name__}, not an UnpairedMultiDomainDataset)')
            image = dataset.paths[dataset.domains[0]][0]
        self._img = read_image(image, self.size)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.every_n_train_iters(runner, self.interval) or self.is_last_train_iter(runner):
            runner.visualizer.add_image(self.name, self.grid(runner), step=runner.iter + 1)

    def grid(self, runner) -> np.ndarray:
        """The labelled RGB row: input, then one translation per mix."""
        if self._img is None:
            self.before_train(runner)
        model = self._model(runner)
        generator = model.generator
        generator = generator.module if is_model_wrapper(generator) else generator
        return mix_grid(generator, [self._img], self._syms, model.term_names)
