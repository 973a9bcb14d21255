"""Start-up hook of mmkd_ext: the import-time aliases for upstream tools that never import
mmkd_ext.

``import mmagic.models`` fails in this stack without them: mmagic 1.2.0 uses ``np.bool8``
(numpy 2 removed it; mmpretrain 1.2.0's ``np.in1d`` went in numpy 2.4) and imports
``diffusers.models.unet_2d_condition`` (moved in diffusers 0.29). ``import mmkd_ext`` adds
them (``mmkd_ext.compat``), but mmagic's and mmpretrain's own tools, or a user's script, run
in the same environment do not import mmkd_ext. The ``mmkd_ext-startup.pth`` file that the
install puts into site-packages runs :func:`install` when Python starts (the way setuptools'
``distutils-precedence.pth`` loads ``_distutils_hack``).

:func:`install` imports nothing but the standard library: it waits for the first
``import numpy`` and then runs ``apply()`` of the compat modules in :data:`SHIMS`, loaded
from ``mmkd_ext/compat/`` without running ``mmkd_ext/__init__.py`` (no torch, no mmengine,
no other shim). Set ``MMKD_EXT_NO_STARTUP_HOOK=1`` to turn it off. Remove with those shims.
"""
import importlib.abc
import importlib.util
import os
import sys
import types
import warnings

__all__ = ['install', 'apply_shims', 'SHIMS']

DISABLE_ENV = 'MMKD_EXT_NO_STARTUP_HOOK'
#: Modules of ``mmkd_ext/compat/`` applied at start-up: aliases of names that upstream
#: removed or moved, nothing that changes behaviour.
SHIMS = ('numpy', 'diffusers')
#: The name under which ``mmkd_ext/compat/`` is imported here (never ``mmkd_ext.compat``,
#: which would run ``mmkd_ext/__init__.py``).
PACKAGE = '_mmkd_ext_startup_compat'


def apply_shims() -> bool:
    """Run ``apply()`` of each module in :data:`SHIMS` without importing ``mmkd_ext``.

    Returns:
        bool: whether they ran (False when the ``mmkd_ext`` package cannot be found).
    """
    package = sys.modules.get(PACKAGE)
    if package is None:
        spec = importlib.util.find_spec('mmkd_ext')  # finds the package, does not import it
        locations = [os.path.join(path, 'compat') for path in
                     (spec.submodule_search_locations or [])] if spec else []
        locations = [path for path in locations if os.path.isdir(path)]
        if not locations:
            return False
        package = types.ModuleType(PACKAGE, 'mmkd_ext/compat/ without its __init__')
        package.__path__ = locations
        sys.modules[PACKAGE] = package
    for name in SHIMS:
        importlib.import_module(f'{PACKAGE}.{name}').apply()
    return True


def _apply_safely() -> None:
    try:
        apply_shims()
    except Exception as error:  # a start-up hook must never stop Python from starting
        warnings.warn(f'mmkd_ext start-up hook: {", ".join(SHIMS)} aliases not applied '
                      f'({error!r}); `import mmkd_ext` applies them')


class _AfterNumpy(importlib.abc.MetaPathFinder):
    """Applies the shims right after ``numpy`` itself has been executed, once."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != 'numpy':
            return None
        sys.meta_path.remove(self)  # one time only; also lets find_spec find the real spec
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenApply(spec.loader)
        return spec


class _ThenApply(importlib.abc.Loader):
    """numpy's own loader, plus the shims after ``exec_module``; numpy keeps its loader."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _apply_safely()

    def __getattr__(self, name):
        return getattr(self.loader, name)


def install() -> None:
    """Apply the shims now if numpy is imported, else right after its first import."""
    if os.environ.get(DISABLE_ENV, '') not in ('', '0'):
        return
    if 'numpy' in sys.modules:
        _apply_safely()
    elif not any(isinstance(finder, _AfterNumpy) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterNumpy())
