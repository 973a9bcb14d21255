"""RandomStateHook: a training step that draws from torch's generator resumes exactly."""
import torch
import torch.nn.functional as F

from mmkd_ext.engine.hooks import RandomStateHook
from tests.conftest import TinyRegressor


class Noisy(TinyRegressor):
    """Adds torch-random noise to its inputs in training (as SGN draws its ``s``)."""

    def forward(self, inputs, targets=None, mode='tensor'):
        if mode != 'loss':
            return self.fc(inputs)
        noisy = inputs + 0.5 * torch.randn_like(inputs)
        return {'loss_mse': F.mse_loss(self.fc(noisy), targets)}


def _train(tiny_runner, work_dir, name, with_hook: bool, **kwargs):
    runner = tiny_runner(work_dir, max_iters=4, experiment_name=name, **kwargs)
    runner.model = Noisy()
    runner.model.load_state_dict(TinyRegressor().state_dict())
    if not with_hook:
        runner._hooks = [h for h in runner.hooks if not isinstance(h, RandomStateHook)]
    runner.train()
    return runner.model.fc.weight.detach().clone()


def test_resumed_run_draws_what_the_uninterrupted_run_drew(tmp_path, tiny_runner):
    full = _train(tiny_runner, tmp_path / 'full', 'full', True)
    resumed = _train(tiny_runner, tmp_path / 'resumed', 'resumed', True,
                     load_from=str(tmp_path / 'full' / 'iter_2.pth'), resume=True)
    assert torch.equal(full, resumed)
    assert 'torch_random_state' in torch.load(tmp_path / 'full' / 'iter_2.pth')


def test_without_the_hook_the_resumed_run_diverges(tmp_path, tiny_runner):
    full = _train(tiny_runner, tmp_path / 'full', 'full2', False)
    resumed = _train(tiny_runner, tmp_path / 'resumed', 'resumed2', False,
                     load_from=str(tmp_path / 'full' / 'iter_2.pth'), resume=True)
    assert not torch.equal(full, resumed)
