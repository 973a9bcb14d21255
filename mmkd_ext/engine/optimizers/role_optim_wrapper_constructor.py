"""One optimizer wrapper per key, where a key is a sub-module or a role of one."""
from typing import Dict, List, Optional, Union

from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from torch import nn

from mmkd_ext.registry import OPTIM_WRAPPER_CONSTRUCTORS

__all__ = ['RoleOptimWrapperConstructor']


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class RoleOptimWrapperConstructor:
    """Build an ``OptimWrapperDict`` with one wrapper per key of the config.

    Like mmagic's ``MultiOptimWrapperConstructor`` (a key names a first-level sub-module),
    but a key may also name a *role*: a second optimizer over a sub-module that another key
    already optimises, with its own learning rate and state (AFD's ``net0_adv``, the
    networks' adversarial step). A key's sub-modules are, in order of precedence:

    1. ``modules`` in its config (a name or a list of names, any key may have it or not);
    2. ``model.optim_modules()[key]`` when the model has that method (the roles it defines);
    3. the key itself.

    Each key's config is a ``DefaultOptimWrapperConstructor`` config (``optimizer``,
    ``type``, ``paramwise_cfg``, ...)::

        optim_wrapper = dict(
            constructor='RoleOptimWrapperConstructor',
            net0=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)),
            net0_adv=dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
            disc0=dict(optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999))))

    Args:
        optim_wrapper_cfg (dict): ``{key: wrapper config}``.
        paramwise_cfg (dict, optional): Must be None: give it per key.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None):
        if not isinstance(optim_wrapper_cfg, dict) or not optim_wrapper_cfg:
            raise TypeError('RoleOptimWrapperConstructor takes a dict {key: optim wrapper '
                            f'config}}, got {optim_wrapper_cfg!r}')
        if paramwise_cfg is not None:
            raise ValueError('RoleOptimWrapperConstructor: give paramwise_cfg per key')
        self.modules: Dict[str, Optional[Union[str, List[str]]]] = {}
        self.constructors: Dict[str, DefaultOptimWrapperConstructor] = {}
        for key, cfg in optim_wrapper_cfg.items():
            if not isinstance(cfg, dict) or 'optimizer' not in cfg:
                raise ValueError(f'optim_wrapper[{key!r}] must be a dict with an `optimizer`, '
                                 f'got {cfg!r}')
            cfg = dict(cfg)
            self.modules[key] = cfg.pop('modules', None)
            self.constructors[key] = DefaultOptimWrapperConstructor(
                cfg, cfg.pop('paramwise_cfg', None))

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        model = getattr(model, 'module', model)  # a DDP-style wrapper
        roles = model.optim_modules() if hasattr(model, 'optim_modules') else {}
        children = dict(model.named_children())
        wrappers = {}
        for key, constructor in self.constructors.items():
            names = self.modules[key] or roles.get(key, key)
            names = [names] if isinstance(names, str) else list(names)
            unknown = [n for n in names if n not in children]
            if unknown:
                raise ValueError(
                    f'optim_wrapper[{key!r}]: {unknown} name no sub-module of '
                    f'{type(model).__name__}; its sub-modules are {sorted(children)}'
                    + (f' and its optimizer roles {sorted(roles)}' if roles else ''))
            module = children[names[0]] if len(names) == 1 else nn.ModuleDict(
                {n: children[n] for n in names})
            wrappers[key] = constructor(module)
        return OptimWrapperDict(**wrappers)
