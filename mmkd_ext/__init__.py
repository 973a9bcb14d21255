"""mmkd_ext: knowledge distillation methods as an OpenMMLab plugin."""
from . import checkpoint, compat

compat.apply()  # before any mm* package imports numpy aliases
checkpoint.install()  # every checkpoint mmengine loads goes through the allow-list

from .version import __version__  # noqa: E402

__all__ = ['__version__']
