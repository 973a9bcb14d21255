"""A hook for distributed tests: each process saves its model's parameters after training."""
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmkd_ext.registry import HOOKS


@HOOKS.register_module()
class RankStateHook(Hook):
    """Writes ``rank{r}_params.pth`` (parameters only: buffers are broadcast from rank 0 at
    the next forward, parameters must agree after every step) into the work directory."""

    def after_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        params = {}
        for name, child in model.named_children():
            child = child.module if is_model_wrapper(child) else child
            params.update({f'{name}.{k}': v.detach().cpu().clone()
                           for k, v in child.named_parameters()})
        torch.save(params, osp.join(runner.work_dir, f'rank{get_rank()}_params.pth'))
