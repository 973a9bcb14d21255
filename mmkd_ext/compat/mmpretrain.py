"""mmcls 1.x was renamed mmpretrain: MMRazor 1.0.0's code and configs still say mmcls."""
import importlib
import importlib.util
import sys

from ._imports import ModuleAlias

__all__ = ['apply', 'SCOPE_ALIASES', 'MMCLS_RENAMES', 'MMCLS_MODULE_RENAMES']

#: Registry scopes and config packages renamed upstream: ``mmcls`` 1.x became mmpretrain.
#: MMRazor 1.0's shipped configs still say ``_base_ = 'mmcls::...'`` and ``_scope_='mmcls'``.
SCOPE_ALIASES = {'mmcls': 'mmpretrain'}
#: Registered names that changed in the rename (mmcls 1.x name -> mmpretrain name), per
#: registry of ``mmpretrain.registry``.
MMCLS_RENAMES = {
    'TRANSFORMS': {'PackClsInputs': 'PackInputs'},
    'VISUALIZERS': {'ClsVisualizer': 'UniversalVisualizer'},
}
#: Module attributes that changed in the rename, per module below the package
#: (``from mmcls.structures import ClsDataSample`` in MMRazor 1.0.0's demo inputs, DARTS
#: head and CRD transforms).
MMCLS_MODULE_RENAMES = {
    'structures': {'ClsDataSample': 'DataSample'},
    'datasets': {'PackClsInputs': 'PackInputs'},
    'datasets.transforms': {'PackClsInputs': 'PackInputs'},
    'datasets.transforms.formatting': {'PackClsInputs': 'PackInputs'},
    'visualization': {'ClsVisualizer': 'UniversalVisualizer'},
}


def apply() -> None:
    """mmcls 1.x was renamed mmpretrain (1.0.0rc7); MMRazor 1.0.0's 185 shipped configs still
    inherit ``mmcls::`` configs, build ``mmcls.*`` types and record ``mmcls.models...``
    methods, and its code imports ``mmcls`` inside ``try/except ImportError`` blocks that
    fall back to placeholders (so ``import mmkd_ext`` must come before ``import mmrazor``).
    Make the config package, the registry scope and the module path ``mmcls`` resolve to
    mmpretrain (only where no real mmcls is installed), with the names that the rename
    changed (:data:`MMCLS_RENAMES`, :data:`MMCLS_MODULE_RENAMES`), and let mmengine's config
    parser accept ``mmkd_ext::``. Remove when MMRazor's code and configs say mmpretrain."""
    from mmengine.config import utils as config_utils
    from mmengine.registry import Registry

    config_utils.MODULE2PACKAGE.setdefault('mmkd_ext', 'mmkd_ext')
    if importlib.util.find_spec('mmcls') is not None or importlib.util.find_spec(
            'mmpretrain') is None:
        return
    if getattr(Registry, '_mmkd_scope_aliases', False):
        return
    Registry._mmkd_scope_aliases = True
    config_utils.MODULE2PACKAGE['mmcls'] = 'mmpretrain'
    sys.meta_path.insert(0, ModuleAlias('mmcls', 'mmpretrain', MMCLS_MODULE_RENAMES))
    split_scope_key = Registry.split_scope_key
    search_child = Registry._search_child

    def split_scope_key_aliased(key: str):
        scope, name = split_scope_key(key)
        if scope in SCOPE_ALIASES:
            _register_mmcls_renames()
            scope = SCOPE_ALIASES[scope]
        return scope, name

    def search_child_aliased(self, scope: str):
        if scope in SCOPE_ALIASES:
            _register_mmcls_renames()
            scope = SCOPE_ALIASES[scope]
        return search_child(self, scope)

    Registry.split_scope_key = staticmethod(split_scope_key_aliased)
    Registry._search_child = search_child_aliased


def _register_mmcls_renames() -> None:
    registry = importlib.import_module('mmpretrain.registry')
    for registry_name, renames in MMCLS_RENAMES.items():
        target = getattr(registry, registry_name)
        for old, new in renames.items():
            if old not in target.module_dict:
                target.register_module(name=old, module=target.get(new))
