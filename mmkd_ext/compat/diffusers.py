"""diffusers 0.29 moved a module that mmagic 1.2.0 imports."""
import sys

from ._imports import ModuleAlias

__all__ = ['apply']


def apply() -> None:
    """mmagic 1.2.0 (``editors/vico/vico_utils.py``) imports
    ``diffusers.models.unet_2d_condition``, moved to ``diffusers.models.unets`` in diffusers
    0.29. Remove when mmagic imports the new path."""
    import importlib.metadata as metadata
    try:
        major, minor = (int(v) for v in metadata.version('diffusers').split('.')[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return
    if (major, minor) >= (0, 29) and not any(
            getattr(f, 'alias', None) == 'diffusers.models.unet_2d_condition'
            for f in sys.meta_path):
        sys.meta_path.insert(0, ModuleAlias('diffusers.models.unet_2d_condition',
                                            'diffusers.models.unets.unet_2d_condition'))
