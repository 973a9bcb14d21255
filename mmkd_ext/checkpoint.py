"""Weights-only checkpoint loading with an explicit allow-list.

torch >= 2.6 unpickles checkpoints with ``weights_only=True``; mmengine 0.10.7 checkpoints
pickle a few mmengine/numpy objects besides tensors, so resume and ``load_checkpoint`` would
fail. :func:`install` allows exactly those objects (never by switching weights-only loading
off), gives mmengine's URL loader ``weights_only=True`` too, and turns a refusal into an
:class:`UnsafeCheckpointError` that names the file and the offending global. It runs at
``import mmkd_ext``, so every loader that goes through mmengine (teachers, ``--resume``,
``load_from``, ``init_cfg`` pretrained weights, the tools) is covered.
"""
import functools
from typing import Any, List

import numpy as np
import torch

__all__ = ['UnsafeCheckpointError', 'safe_globals', 'unsafe_checkpoint_error', 'install']


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint pickles a global that is not on the allow-list."""


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """Stands in for ``builtins.getattr`` while unpickling.

    mmengine's ``HistoryBuffer`` pickles its statistics methods as
    ``getattr(buffer, 'mean')``. A general ``getattr`` would let a pickle walk from any
    allowed object to ``__globals__`` and run code, so only attribute lookups of public
    methods on a ``HistoryBuffer`` are allowed.
    """
    from mmengine.logging import HistoryBuffer
    on_buffer = obj is HistoryBuffer or isinstance(obj, HistoryBuffer)
    if not on_buffer or name.startswith('_') or not callable(getattr(HistoryBuffer, name, None)):
        cls = obj if isinstance(obj, type) else type(obj)
        what = f'{cls.__module__}.{cls.__qualname__}' + ('' if cls is obj else ' object')
        raise UnsafeCheckpointError(
            f'checkpoint pickles builtins.getattr({what}, {name!r}); only public methods of '
            'mmengine.logging.HistoryBuffer may be looked up')
    return getattr(obj, name)


def safe_globals() -> List[Any]:
    """The globals that mmengine / mmagic / mmpretrain checkpoints hold besides tensors.

    Found by listing ``torch.serialization.get_unsafe_globals_in_checkpoint`` over
    checkpoints written by mmengine's ``CheckpointHook`` (message hub history, numpy
    scalars and arrays in logs and metrics).
    """
    from mmengine.logging import HistoryBuffer
    from numpy._core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(t)) for t in np.typecodes['All'] if t not in 'O']
    return [
        HistoryBuffer, np.ndarray, np.dtype, _reconstruct, scalar, *dtype_classes,
        (_history_buffer_getattr, 'builtins.getattr'),
        (_history_buffer_getattr, '__builtin__.getattr'),
    ]


def unsafe_checkpoint_error(filename: str, error: Exception) -> UnsafeCheckpointError:
    """Build the error raised for a checkpoint refused by the weights-only unpickler."""
    try:
        names = torch.serialization.get_unsafe_globals_in_checkpoint(filename)
    except Exception:  # not a zip checkpoint, unreadable: the torch message says why
        names = []
    allowed = {'builtins.getattr', '__builtin__.getattr'}
    names = [n for n in names if n not in allowed] or ['(see below)']
    return UnsafeCheckpointError(
        f'refusing to load {filename!r}: it pickles {", ".join(names)}, which is not on '
        "mmkd_ext's allow-list of checkpoint globals (tensors, containers, numpy arrays "
        'and scalars, mmengine HistoryBuffer). Loading it could run arbitrary code. If you '
        'trust the file, convert it to a plain state_dict in a separate process. '
        f'torch said: {str(error).splitlines()[0]}')


def install() -> None:
    """Allow :func:`safe_globals` in weights-only loading and make mmengine's checkpoint
    loader raise :class:`UnsafeCheckpointError` for anything else (idempotent)."""
    torch.serialization.add_safe_globals(safe_globals())
    from mmengine.runner.checkpoint import CheckpointLoader
    if getattr(CheckpointLoader, '_mmkd_guarded', False):
        return
    CheckpointLoader._mmkd_guarded = True
    load_checkpoint = CheckpointLoader.load_checkpoint.__func__

    def guarded(cls, filename, map_location=None, logger='current'):
        try:
            return load_checkpoint(cls, filename, map_location, logger)
        except torch.serialization.pickle.UnpicklingError as error:
            raise unsafe_checkpoint_error(filename, error) from None
        except UnsafeCheckpointError as error:  # raised by the restricted getattr
            raise UnsafeCheckpointError(f'refusing to load {filename!r}: {error}') from None

    CheckpointLoader.load_checkpoint = classmethod(guarded)

    # mmengine 0.10.7 loads http(s)://, torchvision:// and open-mmlab:// checkpoints with
    # torch.hub.load_state_dict_from_url, whose weights_only defaults to False: the file in
    # torch's hub cache would be unpickled with code execution. Pin weights-only there too
    # (the allow-list above applies). Remove when mmengine passes weights_only itself.
    from mmengine.runner import checkpoint as mm_checkpoint
    mm_checkpoint.load_url = functools.partial(torch.hub.load_state_dict_from_url,
                                               weights_only=True)
