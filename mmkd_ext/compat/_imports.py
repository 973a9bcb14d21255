"""Import-system helpers of the compat shims: module aliases and after-import callbacks."""
import importlib
import importlib.abc
import importlib.util
import sys
from typing import Callable, Dict, Optional

__all__ = ['ModuleAlias', 'AfterImport', 'after_import']


class ModuleAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``alias`` and ``alias.x.y`` as the modules ``target`` and ``target.x.y``.

    The alias is the target module object itself (not a copy), so patching a function or
    method through the old path (MMRazor's recorders do) patches the code that runs.
    ``renames`` maps a submodule (``'structures'``, ``''`` for the package) to
    ``{old_name: new_name}``: the old names are added to the target module the first time
    it is imported through the alias, never before.
    """

    def __init__(self, alias: str, target: str,
                 renames: Optional[Dict[str, Dict[str, str]]] = None):
        self.alias, self.target = alias, target
        self.renames = renames or {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.alias or fullname.startswith(self.alias + '.'):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        suffix = spec.name[len(self.alias):]
        module = importlib.import_module(self.target + suffix)
        for old, new in self.renames.get(suffix.lstrip('.'), {}).items():
            if not hasattr(module, old):
                setattr(module, old, getattr(module, new))
        return module

    def exec_module(self, module):
        pass


class AfterImport(importlib.abc.MetaPathFinder):
    """Run ``callback(module)`` right after the module ``name`` has been executed."""

    def __init__(self, name: str, callback: Callable):
        self.name, self.callback = name, callback

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)  # find the real spec, once
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        exec_module, callback = spec.loader.exec_module, self.callback

        class _Loader(importlib.abc.Loader):

            def create_module(self, spec):
                return None

            def exec_module(self, module):
                exec_module(module)
                callback(module)

        spec.loader = _Loader()
        return spec


def after_import(name: str, callback: Callable) -> None:
    """Call ``callback(module)`` now if ``name`` is imported, else once it gets imported."""
    if name in sys.modules:
        callback(sys.modules[name])
    elif not any(isinstance(f, AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, AfterImport(name, callback))
