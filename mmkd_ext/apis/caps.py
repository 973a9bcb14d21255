"""Shortened runs: environment variables that every tool reads, so that a documented command
can be smoke-tested as written (``tests/test_docs.py`` runs the READMEs' commands so).

- ``MMKD_MAX_ITERS=N`` caps every iteration count a tool runs: ``train_cfg.max_iters`` of an
  iteration-based loop together with its ``val_interval`` and every hook's ``interval``
  (checkpoints, logging, pictures), ``soak.py --iters``, the classifier iterations of
  ``sgn_mixing_fidelity.py`` and the timed steps of ``tools/benchmarks/``;
- ``MMKD_MAX_EPOCHS=N`` caps ``train_cfg.max_epochs`` of an epoch-based loop (MMRazor's LSQ
  loop, the epoch schedules) and its ``val_interval``; 1 when only ``MMKD_MAX_ITERS`` is set;
- ``MMKD_MAX_SEEDS=N``: the study tools (``seed_study.py``, ``kd_variance.py``) run only
  their first N seeds (``kd_variance.py`` at least 2, the fewest a variance needs).

Unset (the default), nothing changes. A tool that shortens a run says so on stderr.
"""
import os
import sys
from typing import List, Optional, Sequence

__all__ = ['CAP_VARIABLES', 'env_cap', 'cap_iterations', 'cap_seeds', 'cap_config']

CAP_VARIABLES = ('MMKD_MAX_ITERS', 'MMKD_MAX_EPOCHS', 'MMKD_MAX_SEEDS')


def env_cap(name: str) -> Optional[int]:
    """The value of the cap ``name`` (one of :data:`CAP_VARIABLES`), None when unset.

    Raises:
        ValueError: the variable is set but not a positive integer.
    """
    if name not in CAP_VARIABLES:
        raise ValueError(f'unknown cap {name!r}; the caps are {CAP_VARIABLES}')
    raw = os.environ.get(name, '').strip()
    if not raw:
        if name == 'MMKD_MAX_EPOCHS' and env_cap('MMKD_MAX_ITERS') is not None:
            return 1
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f'{name} must be a positive integer, got {raw!r}')
    return value


def _note(text: str) -> None:
    print(f'note: {text}', file=sys.stderr, flush=True)


def cap_iterations(iters: int, what: str = 'iterations') -> int:
    """``iters`` capped by ``MMKD_MAX_ITERS`` (said on stderr when it is)."""
    cap = env_cap('MMKD_MAX_ITERS')
    if cap is None or iters <= cap:
        return iters
    _note(f'MMKD_MAX_ITERS={cap}: {what} {iters} -> {cap}')
    return cap


def cap_seeds(seeds: Sequence[int], minimum: int = 1) -> List[int]:
    """The first ``MMKD_MAX_SEEDS`` of ``seeds`` (at least ``minimum`` of them)."""
    cap = env_cap('MMKD_MAX_SEEDS')
    if cap is None or len(seeds) <= max(cap, minimum):
        return list(seeds)
    kept = list(seeds)[:max(cap, minimum)]
    _note(f'MMKD_MAX_SEEDS={cap}: seeds {list(seeds)} -> {kept}')
    return kept


def _hook_configs(cfg) -> list:
    hooks = [h for h in (cfg.get('default_hooks') or {}).values() if isinstance(h, dict)]
    custom = cfg.get('custom_hooks') or []
    return hooks + [h for h in custom if isinstance(h, dict)]


def cap_config(cfg) -> List[str]:
    """Shorten the training of ``cfg`` in place by ``MMKD_MAX_ITERS`` / ``MMKD_MAX_EPOCHS``
    (see the module docstring); returns what changed, one ``key a -> b`` line each, and
    says it on stderr."""
    loop = cfg.get('train_cfg')
    if not isinstance(loop, dict):
        return []
    by_epoch = 'max_epochs' in loop or (loop.get('by_epoch') and 'max_iters' not in loop)
    key = 'max_epochs' if by_epoch else 'max_iters'
    cap = env_cap('MMKD_MAX_EPOCHS' if by_epoch else 'MMKD_MAX_ITERS')
    if cap is None or not isinstance(loop.get(key), int):
        return []
    changes = []

    def lower(node: dict, name: str, label: str) -> None:
        value = node.get(name)
        if isinstance(value, int) and value > cap:
            node[name] = cap
            changes.append(f'{label} {value} -> {cap}')

    lower(loop, key, f'train_cfg.{key}')
    lower(loop, 'val_interval', 'train_cfg.val_interval')
    for hook in _hook_configs(cfg):
        lower(hook, 'interval', f'{hook.get("type", "hook")}.interval')
    if changes:
        variable = 'MMKD_MAX_EPOCHS' if by_epoch else 'MMKD_MAX_ITERS'
        _note(f'{variable}={cap}: ' + ', '.join(changes))
    return changes
