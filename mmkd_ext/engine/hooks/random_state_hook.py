"""Resume algorithms that draw random numbers in their training step exactly."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from mmkd_ext.registry import HOOKS

__all__ = ['RandomStateHook']

KEY = 'torch_random_state'


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Keep torch's global random state in checkpoints and restore it on resume.

    mmengine 0.10.7 re-seeds every run and, on resume, replays the data loader up to the
    resumed iteration, which reproduces the data pipeline's (numpy / python) draws; draws of
    torch's global generator inside the training step (SGN's ``s ~ Dirichlet(alpha)`` and its
    image pool, dropout) are not replayed, so a resumed run would diverge from an
    uninterrupted one. This hook stores ``torch.get_rng_state()`` (and the CUDA states) in
    each checkpoint and sets them back right before the first iteration after ``--resume``,
    once the data loader has been replayed. Plain ``load_from`` (fine-tuning) is untouched.

    An epoch-based loop (MMRazor's QAT loops among them) is not replayed: it resumes at the
    next epoch with freshly seeded numpy / python generators, so the data pipeline's random
    crops and flips would differ from the uninterrupted run's. Checkpoints also hold the
    numpy and python states, and an epoch-based run sets all three back before its first
    epoch after ``--resume``, before the data loader draws.

    Note:
        All processes get the state of process 0, which equals theirs when every process
        is seeded alike (mmengine's default, ``randomness.diff_rank_seed=False``).
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self._pending: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # numpy's and python's states as tensors and ints: weights-only loading reads them
        _, keys, pos, has_gauss, cached = np.random.get_state()
        state = {'cpu': torch.get_rng_state(),
                 'numpy': (torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss),
                           float(cached)),
                 'python': random.getstate()}
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint[KEY] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if getattr(runner, '_resume', False):
            self._pending = checkpoint.get(KEY)

    def before_train_epoch(self, runner) -> None:
        if self._pending is None or not isinstance(runner.train_loop, EpochBasedTrainLoop):
            return
        state, self._pending = self._pending, None
        if 'numpy' in state:
            keys, pos, has_gauss, cached = state['numpy']
            np.random.set_state(('MT19937', keys.numpy().astype(np.uint32), pos, has_gauss,
                                 cached))
        if 'python' in state:
            version, internal, gauss = state['python']
            random.setstate((version, tuple(internal), gauss))
        self._set_torch(state)

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._pending is None:
            return
        state, self._pending = self._pending, None
        self._set_torch(state)

    @staticmethod
    def _set_torch(state: dict) -> None:
        torch.set_rng_state(state['cpu'])
        if 'cuda' in state and len(state['cuda']) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(state['cuda'])
