"""NonFiniteLossHook: stop naming the iteration, the term and the last good checkpoint, or
skip the step; the bad update is never applied."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.hooks import Hook

from mmkd_ext.engine.hooks import NonFiniteLossError, NonFiniteLossHook
from tests.conftest import TinyRegressor


class TwoTerms(TinyRegressor):
    """``loss_mse`` and ``loss_aux``; ``poison`` (1 normally) multiplies only the second."""

    def __init__(self):
        super().__init__()
        self.register_buffer('poison', torch.ones(()), persistent=False)

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.fc(inputs)
        if mode != 'loss':
            return out
        return {'loss_mse': F.mse_loss(out, targets),
                'loss_aux': 0.1 * (out * self.poison).abs().mean()}


class PoisonAt(Hook):
    """Sets ``model.poison`` to ``value`` during iteration ``at`` (1-based) and keeps the
    weights from before and after it."""

    def __init__(self, at: int, value: float = float('nan')):
        self.at, self.value = at, value
        self.weights = {}

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.at:
            self.weights['before'] = runner.model.fc.weight.detach().clone()
            runner.model.poison.fill_(self.value)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == self.at:
            runner.model.poison.fill_(1.0)
            self.weights['after'] = runner.model.fc.weight.detach().clone()


def _runner(tiny_runner, work_dir, hook_cfg: dict, poison: PoisonAt, max_iters: int = 6):
    # own experiment name: runners built in the same second would share a MessageHub
    runner = tiny_runner(work_dir, max_iters=max_iters, custom_hooks=[poison],
                         experiment_name=f'non_finite_{id(poison)}')
    runner.model = TwoTerms()
    runner.model.load_state_dict(TinyRegressor().state_dict())
    for hook in runner.hooks:
        if isinstance(hook, NonFiniteLossHook):
            hook.__init__(**hook_cfg)
    return runner


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_stop_names_iteration_term_and_last_checkpoint(tmp_path, tiny_runner, value):
    poison = PoisonAt(at=4, value=value)
    runner = _runner(tiny_runner, tmp_path, dict(action='stop'), poison)
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    message = str(info.value)
    assert 'iteration 4: non-finite loss term(s) loss_aux=' in message
    assert 'loss_mse' not in message  # the finite term is not blamed
    assert f'last good checkpoint: {tmp_path / "iter_2.pth"}' in message
    assert "action='skip'" in message
    assert not osp.exists(tmp_path / 'iter_4.pth')  # stopped before the checkpoint hook
    assert torch.equal(poison.weights['before'], runner.model.fc.weight)


def test_stop_before_any_checkpoint_says_so(tmp_path, tiny_runner):
    runner = _runner(tiny_runner, tmp_path, dict(action='stop'), PoisonAt(at=1))
    with pytest.raises(NonFiniteLossError, match=r'iteration 1: .*loss_aux=nan.*'
                       r'last good checkpoint: none saved yet \(training from scratch\)'):
        runner.train()


def test_skip_goes_on_without_applying_the_bad_update(tmp_path, tiny_runner, caplog):
    poison = PoisonAt(at=3)
    runner = _runner(tiny_runner, tmp_path, dict(action='skip'), poison)
    runner.train()
    assert runner.iter == 6
    assert torch.equal(poison.weights['before'], poison.weights['after'])
    assert all(torch.isfinite(p).all() for p in runner.model.parameters())
    log = open(osp.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    assert 'iteration 3: non-finite loss term(s) loss_aux=nan; update(s) not applied: ' \
           'optim_wrapper (loss not finite); step skipped (1 in a row, at most 10)' in log


def test_skip_stops_after_too_many_in_a_row(tmp_path, tiny_runner):
    class AlwaysNaN(PoisonAt):
        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            pass  # the poison stays

    runner = _runner(tiny_runner, tmp_path, dict(action='skip', max_consecutive_skips=2),
                     AlwaysNaN(at=2))
    with pytest.raises(NonFiniteLossError, match=r'iteration 4: .*\(3 iterations in a row\)'):
        runner.train()


def test_non_finite_gradient_with_finite_loss_is_skipped(tmp_path, tiny_runner):
    class NaNGrad(PoisonAt):
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            if runner.iter + 1 == self.at:
                self.weights['before'] = runner.model.fc.weight.detach().clone()
                runner.model.fc.weight.register_hook(lambda g: g * float('nan'))

    poison = NaNGrad(at=2)
    runner = _runner(tiny_runner, tmp_path, dict(action='stop'), poison, max_iters=2)
    with pytest.raises(NonFiniteLossError,
                       match=r'iteration 2: update\(s\) not applied: optim_wrapper '
                       r'\(gradients not finite\)'):
        runner.train()
    assert torch.equal(runner.model.fc.weight, poison.weights['before'])


def test_bad_action_names_the_choices():
    with pytest.raises(ValueError, match=r"action must be one of \('stop', 'skip'\), got 'halt'"):
        NonFiniteLossHook(action='halt')
