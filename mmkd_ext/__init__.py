"""mmkd_ext: knowledge distillation methods as an OpenMMLab plugin."""
from . import compat

compat.apply()  # before any mm* package imports numpy aliases or loads a checkpoint

from .version import __version__  # noqa: E402

__all__ = ['__version__']
