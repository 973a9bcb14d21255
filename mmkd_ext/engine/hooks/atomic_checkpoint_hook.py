"""mmengine's CheckpointHook with writes that a kill cannot leave half done."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from mmkd_ext.registry import HOOKS

from ..atomic_save import atomic_checkpoint_writes, remove_partial_writes, write_text_atomic

__all__ = ['AtomicCheckpointHook']


@HOOKS.register_module(name=['AtomicCheckpointHook', 'CheckpointHook'])
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` whose checkpoints are complete or absent, never truncated.

    Registered in mmkd_ext's scope under its own name and as ``CheckpointHook``, so every
    config with ``default_scope = 'mmkd_ext'`` gets it; ``type='mmengine.CheckpointHook'``
    asks for the upstream hook. Arguments are mmengine's.

    What changes against mmengine 0.10.7:

    - each checkpoint (periodic, last, best) is written to a temporary file, flushed and
      renamed (:mod:`mmkd_ext.engine.atomic_save`); ``last_checkpoint`` likewise;
    - the checkpoint that ``max_keep_ckpts`` drops is deleted after the new one is in
      place, not before, so a kill during a save leaves the previous checkpoint and
      ``last_checkpoint`` naming it (``--resume`` continues from there);
    - temporary files of interrupted writes are removed when training (re)starts;
    - a ``save_best`` key missing from the validation metrics raises a ``KeyError``
      that lists the metrics there are.

    Note:
        mmengine removes the previous best checkpoint before it writes the new one; a kill
        between the two leaves no ``best_*.pth`` until the next improvement. Resuming
        never needs it.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if is_main_process() and osp.isdir(self.out_dir):
            for path in remove_partial_writes(self.out_dir):
                runner.logger.warning(f'removed {path}: a checkpoint write that was '
                                      'interrupted')

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        dropped = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                            and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                dropped = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        with atomic_checkpoint_writes():
            runner.save_checkpoint(
                self.out_dir,
                ckpt_filename,
                self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler,
                meta=meta,
                by_epoch=self.by_epoch,
                backend_args=self.backend_args,
                **self.args)
        if not is_main_process():
            return
        write_text_atomic(self.last_ckpt, osp.join(runner.work_dir, 'last_checkpoint'))
        if dropped is not None and dropped != step:
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(dropped))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):  # deepspeed checkpoints are folders
                self.file_backend.rmtree(path)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if self.save_best:
            missing = [k for k in self.key_indicators if k != 'auto' and k not in metrics]
            if missing:
                raise KeyError(
                    f'CheckpointHook save_best={self.save_best!r}: no metric {missing} in '
                    f'this validation; the metrics are {sorted(metrics)}')
        with atomic_checkpoint_writes():
            super()._save_best_checkpoint(runner, metrics)
