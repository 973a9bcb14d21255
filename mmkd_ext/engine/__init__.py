from .atomic_save import save_checkpoint_atomic, write_text_atomic
from .hooks import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .optional_tensorboard_vis_backend import OptionalTensorboardVisBackend

__all__ = ['OptionalTensorboardVisBackend', 'save_checkpoint_atomic', 'write_text_atomic']
