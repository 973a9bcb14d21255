"""TensorBoard logging that switches itself off where tensorboard is not installed."""
from mmengine.logging import print_log
from mmengine.visualization import TensorboardVisBackend

from mmkd_ext.registry import VISBACKENDS

__all__ = ['OptionalTensorboardVisBackend']


class _NoWriter:
    """Accepts every SummaryWriter call and does nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@VISBACKENDS.register_module()
class OptionalTensorboardVisBackend(TensorboardVisBackend):
    """mmengine's ``TensorboardVisBackend`` when ``tensorboard`` imports, else a no-op.

    Lets the shipped configs list TensorBoard next to the local backend without making
    tensorboard a dependency: images, scalars and the config go to both where it is
    installed, to the local files only where it is not (said once in the log).
    """

    def _init_env(self):
        try:
            super()._init_env()
        except ImportError:
            print_log('tensorboard is not installed: OptionalTensorboardVisBackend writes '
                      'nothing (pip install tensorboard to enable it)', logger='current')
            self._tensorboard = _NoWriter()
