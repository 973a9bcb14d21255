"""Stop (or skip the step) when a loss term or a gradient becomes NaN or Inf."""
import functools
import math
import os.path as osp
from typing import Dict, List, Optional, Tuple

import torch
import torch.distributed as torch_dist
from mmengine.dist import is_distributed
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapperDict

from mmkd_ext.registry import HOOKS

__all__ = ['NonFiniteLossHook', 'NonFiniteLossError']

ACTIONS = ('stop', 'skip')


class NonFiniteLossError(RuntimeError):
    """A loss term or a gradient went NaN / Inf (the message says which and where)."""


def _finite(value) -> bool:
    if isinstance(value, torch.Tensor):
        return bool(torch.isfinite(value.detach()).all())
    return not isinstance(value, float) or math.isfinite(value)


def _any_rank(flag: bool) -> bool:
    """True when ``flag`` is True in any process (every process gets the same answer)."""
    if not is_distributed():
        return flag
    tensor = torch.tensor([int(flag)])
    torch_dist.all_reduce(tensor, op=torch_dist.ReduceOp.MAX)
    return bool(tensor.item())


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Guard against NaN / Inf losses and gradients.

    Every optimizer step is checked first: when the loss given to ``backward`` or a
    gradient is not finite, the step is not taken (the weights keep their last finite
    values; in distributed runs all processes decide together). After the iteration, the
    logged loss terms are checked. Then ``action='stop'`` raises
    :class:`NonFiniteLossError` naming the iteration, the terms that went bad and the last
    good checkpoint, before that iteration's checkpoint could be written;
    ``action='skip'`` logs a warning and goes on, and stops after
    ``max_consecutive_skips`` bad iterations in a row.

    Args:
        action (str): ``'stop'`` or ``'skip'``. Defaults to ``'stop'``.
        max_consecutive_skips (int): With ``'skip'``, stop after this many bad
            iterations in a row. Defaults to 10.
        check_grads (bool): Also check gradients before each step. Defaults to True.

    Note:
        ``AmpOptimWrapper`` steps are left to their loss scaler, which skips steps with
        overflowing gradients by design; their loss terms are still checked.
    """

    priority = 'ABOVE_NORMAL'  # before LoggerHook and CheckpointHook

    def __init__(self, action: str = 'stop', max_consecutive_skips: int = 10,
                 check_grads: bool = True):
        if action not in ACTIONS:
            raise ValueError(f'NonFiniteLossHook: action must be one of {ACTIONS}, '
                             f'got {action!r}')
        if not isinstance(max_consecutive_skips, int) or max_consecutive_skips < 1:
            raise ValueError('NonFiniteLossHook: max_consecutive_skips must be an int >= 1, '
                             f'got {max_consecutive_skips!r}')
        self.action = action
        self.max_consecutive_skips = max_consecutive_skips
        self.check_grads = check_grads
        self._skipped: List[Tuple[str, str]] = []
        self._bad_loss: Dict[str, bool] = {}
        self._originals: List[tuple] = []
        self._consecutive = 0

    # -- optimizer steps ------------------------------------------------------------
    def before_train(self, runner) -> None:
        wrappers = runner.optim_wrapper
        named = wrappers.items() if isinstance(wrappers, OptimWrapperDict) else [
            ('optim_wrapper', wrappers)
        ]
        for name, wrapper in named:
            if not isinstance(wrapper, AmpOptimWrapper):
                self._guard(name, wrapper)

    def after_train(self, runner) -> None:
        for wrapper, backward, step in self._originals:
            wrapper.backward, wrapper.step = backward, step
        self._originals.clear()

    def _guard(self, name: str, wrapper) -> None:
        backward, step = wrapper.backward, wrapper.step
        self._originals.append((wrapper, backward, step))

        @functools.wraps(backward)
        def guarded_backward(loss: torch.Tensor, **kwargs) -> None:
            if not _finite(loss):
                self._bad_loss[name] = True
            backward(loss, **kwargs)  # always: DDP's gradient all-reduce runs in backward

        @functools.wraps(step)  # keeps the schedulers' step counter mark
        def guarded_step(**kwargs) -> None:
            reason = 'loss' if self._bad_loss.pop(name, False) else None
            if reason is None and self.check_grads and not self._grads_finite(wrapper):
                reason = 'gradients'
            if not _any_rank(reason is not None):
                step(**kwargs)
                return
            self._skipped.append((name, reason or 'another process'))
            wrapper.optimizer.zero_grad()

        wrapper.backward, wrapper.step = guarded_backward, guarded_step

    @staticmethod
    def _grads_finite(wrapper) -> bool:
        for group in wrapper.optimizer.param_groups:
            for param in group['params']:
                if param.grad is not None and not torch.isfinite(param.grad).all():
                    return False
        return True

    # -- after each iteration -------------------------------------------------------
    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        terms = {k: v for k, v in (outputs or {}).items() if not _finite(v)}
        if len(terms) > 1:  # name the terms, not their sum
            terms.pop('loss', None)
        skipped, self._skipped = self._skipped, []
        if not _any_rank(bool(terms or skipped)):
            self._consecutive = 0
            return
        what = self._describe(runner.iter + 1, terms, skipped)
        last = self._last_checkpoint(runner)
        if self.action == 'skip':
            self._consecutive += 1
            if self._consecutive <= self.max_consecutive_skips:
                runner.logger.warning(f'{what}; step skipped ({self._consecutive} in a row, '
                                      f'at most {self.max_consecutive_skips})')
                return
            what += f' ({self._consecutive} iterations in a row)'
        raise NonFiniteLossError(
            f'{what}. Training stopped; last good checkpoint: {last}. Fix the cause '
            '(learning rate, loss weights, data) and resume from it with --resume, or '
            "set default_hooks.non_finite=dict(type='NonFiniteLossHook', action='skip') "
            'to skip such steps')

    @staticmethod
    def _describe(iteration: int, terms: dict, skipped: List[Tuple[str, str]]) -> str:
        parts = []
        if terms:
            values = ', '.join(f'{k}={float(v):g}' for k, v in terms.items())
            parts.append(f'non-finite loss term(s) {values}')
        if skipped:
            steps = ', '.join(f'{name} ({reason} not finite)' for name, reason in skipped)
            parts.append(f'update(s) not applied: {steps}')
        return f'iteration {iteration}: ' + '; '.join(parts or ['non-finite values in '
                                                               'another process'])

    @staticmethod
    def _last_checkpoint(runner) -> str:
        path = runner.message_hub.get_info('last_ckpt')
        if path and osp.isfile(path):
            return path
        load_from = getattr(runner, '_load_from', None)
        start = f'the run started from {load_from}' if load_from else 'training from scratch'
        return f'none saved yet ({start})'
