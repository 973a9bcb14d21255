"""Score the frozen teachers of a distillation run once, beside the student's validation."""
import copy
from typing import Dict, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmkd_ext.registry import HOOKS

__all__ = ['TeacherValidationHook', 'teachers_of']


def teachers_of(model: nn.Module) -> Dict[str, nn.Module]:
    """``{name: teacher}`` of a distillation algorithm: FEED's ``teachers`` (K named
    teachers) or a single ``teacher`` (FeatureDistill / LSFD, KD), named ``'teacher'``."""
    teachers = getattr(model, 'teachers', None)
    if isinstance(teachers, (dict, nn.ModuleDict)) and len(teachers):
        return dict(teachers.items())
    teacher = getattr(model, 'teacher', None)
    if isinstance(teacher, nn.Module):
        return {'teacher': teacher}
    raise TypeError(f'TeacherValidationHook needs a distillation model with `teachers` or '
                    f'`teacher`; {type(model).__name__} has neither')


@HOOKS.register_module()
class TeacherValidationHook(Hook):
    """Report each teacher's validation metrics once, in the log line and scalars of the
    first validation: ``teacher/<name>/<metric>`` (``teacher/<metric>`` for one teacher).

    The teachers see the batches of that validation as the student does (the algorithm's
    data preprocessor, then ``mode='predict'``), so the figures are comparable with the
    student's and cost no second pass over the data loader. Teachers are frozen: later
    validations would repeat the same numbers, so they are skipped.

    Args:
        evaluator (dict | list, optional): Evaluator config for the teachers. Defaults to
            None: the run's ``val_evaluator``.
    """

    # before RuntimeInfoHook (VERY_HIGH) records the validation metrics, so the teachers'
    # entries go to the message hub, the log and the scalars with the student's
    priority = 'HIGHEST'

    def __init__(self, evaluator: Optional[dict] = None):
        self.evaluator_cfg = evaluator
        self._evaluators = None
        self._done = False

    @staticmethod
    def _model(runner) -> nn.Module:
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def before_val_epoch(self, runner) -> None:
        if self._done:
            return
        cfg = self.evaluator_cfg if self.evaluator_cfg is not None else runner.cfg.get(
            'val_evaluator')
        if cfg is None:
            raise ValueError('TeacherValidationHook needs an `evaluator` or a `val_evaluator`')
        self._teachers = teachers_of(self._model(runner))
        meta = getattr(runner.val_dataloader.dataset, 'metainfo', None)
        self._evaluators = {}
        for name in self._teachers:
            evaluator = runner.build_evaluator(copy.deepcopy(cfg))
            evaluator.dataset_meta = meta
            self._evaluators[name] = evaluator

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self._evaluators is None:
            return
        model = self._model(runner)
        with torch.no_grad():
            data = model.data_preprocessor(data_batch, False)
            for name, teacher in self._teachers.items():
                # predict() writes its results into the data samples: give each teacher its own
                preds = teacher(data['inputs'], copy.deepcopy(data['data_samples']),
                                mode='predict')
                self._evaluators[name].process(data_samples=preds, data_batch=data_batch)

    def after_val_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        if self._evaluators is None:
            return
        size = len(runner.val_dataloader.dataset)
        single = len(self._evaluators) == 1
        for name, evaluator in self._evaluators.items():
            prefix = 'teacher' if single else f'teacher/{name}'
            results = {f'{prefix}/{k}': v for k, v in evaluator.evaluate(size).items()}
            runner.logger.info('teacher ' + name + ': ' + '  '.join(
                f'{k} {v:.4f}' if isinstance(v, float) else f'{k} {v}'
                for k, v in results.items()))
            if metrics is not None:
                metrics.update(results)
        self._evaluators = None
        self._done = True
