from .hooks import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
from .optional_tensorboard_vis_backend import OptionalTensorboardVisBackend

__all__ = ['OptionalTensorboardVisBackend']
