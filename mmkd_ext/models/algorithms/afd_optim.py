"""AFD's optimizer contract: one wrapper per sub-module with parameters, plus the networks'
adversarial-step role ``net{k}_adv``; checked at every train step with errors that say how
to fix the config."""
from typing import List

from mmengine.optim import AmpOptimWrapper, OptimWrapper, OptimWrapperDict

__all__ = ['ADV', 'check_optim_wrapper']

ADV = '_adv'  # suffix of the networks' adversarial-step optimizer keys: net{k}_adv
_ROLE_EXAMPLE = (
    "optim_wrapper=dict(constructor='RoleOptimWrapperConstructor', net0=dict(optimizer=dict("
    "type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)), net0_adv=dict(optimizer=dict("
    "type='SGD', lr=0.01, momentum=0.9)), disc0=dict(optimizer=dict(type='Adam', lr=2e-4)), "
    '...), as configs/_base_/schedules/afd_sgd_1k.py does')


def _lr_zero(wrapper: OptimWrapper) -> bool:
    return all(g.get('initial_lr', g['lr']) == 0 for g in wrapper.optimizer.param_groups)


def _decays(wrapper: OptimWrapper) -> bool:
    return any(g.get('weight_decay', 0) > 0 for g in wrapper.optimizer.param_groups)


def check_optim_wrapper(optim_wrapper: OptimWrapperDict, expected: List[str],
                        feature_mode: str, fused: bool) -> None:
    """Refuse an ``optim_wrapper`` that AFD cannot train with.

    Args:
        optim_wrapper (OptimWrapperDict): What the runner built.
        expected (list[str]): ``AFD.optim_keys()``.
        feature_mode (str): AFD's feature mode (for the messages).
        fused (bool): Whether AFD runs fused.
    """
    if not isinstance(optim_wrapper, OptimWrapperDict):
        raise ValueError(f'AFD needs an OptimWrapperDict with the keys {expected}, got '
                         f'{type(optim_wrapper).__name__}; configure {_ROLE_EXAMPLE}')
    keys = list(optim_wrapper.keys())
    amp = [k for k in keys if k.startswith('trans')
           and isinstance(optim_wrapper[k], AmpOptimWrapper)]
    if amp:  # trans{k} steps on a gradient scaled by net{k}'s loss scaler
        raise ValueError(f'{amp} use AmpOptimWrapper: mixed precision with transfer layers '
                         'is not supported; train without --amp or with equal channels')
    if sorted(keys) != sorted(expected):
        _key_error(keys, expected, feature_mode, fused)
    for name in [k for k in keys if k.startswith('disc') or k.endswith(ADV)]:
        if _lr_zero(optim_wrapper[name]):
            raise ValueError(f'{name} has learning rate 0: it would never update; give it '
                             "a learning rate or use feature_mode='none'")
    for role in [k for k in keys if k.endswith(ADV)]:
        task = role[:-len(ADV)]
        if _decays(optim_wrapper[task]) and _decays(optim_wrapper[role]):
            raise ValueError(f'{task} and {role} both apply weight decay: the network would '
                             f'decay twice per iteration; set weight_decay=0 in {role} (the '
                             'task optimizer keeps it)')


def _key_error(keys: List[str], expected: List[str], feature_mode: str, fused: bool) -> None:
    roles = sorted(k for k in expected if k.endswith(ADV))
    missing = sorted(set(expected) - set(keys))
    unexpected = sorted(set(keys) - set(expected))
    msg = (f'optim_wrapper keys {sorted(keys)} do not match the modules with parameters '
           f'{sorted(set(expected) - set(roles))}'
           + (f' and the adversarial roles {roles}' if roles else '')
           + f': missing {missing}, unexpected {unexpected}.')
    if any(k.endswith(ADV) for k in missing):
        msg += (f' With feature_mode={feature_mode!r} every network takes a second step, on '
                'its feature term, with an optimizer of its own (own learning rate and '
                'momentum, no weight decay), e.g. ' + _ROLE_EXAMPLE + '; or set fused=True.')
    if fused and any(k.endswith(ADV) for k in unexpected):
        msg += (" fused=True steps every network once, with net{k}'s optimizer, on the sum "
                'of its logit and feature terms: the adversarial roles would never step; '
                'remove them (adv_weight scales the feature term).')
    raise ValueError(msg)
