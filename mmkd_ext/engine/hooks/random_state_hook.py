"""Resume algorithms that draw random numbers in their training step exactly."""
from typing import Optional

import torch
from mmengine.hooks import Hook

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

    Note:
        All processes get the state of process 0, which equals theirs when every process
        is seeded alike (mmengine's default, ``randomness.diff_rank_seed=False``).
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self._pending: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = {'cpu': torch.get_rng_state()}
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint[KEY] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if getattr(runner, '_resume', False):
            self._pending = checkpoint.get(KEY)

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._pending is None:
            return
        state, self._pending = self._pending, None
        torch.set_rng_state(state['cpu'])
        if 'cuda' in state and len(state['cuda']) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(state['cuda'])
