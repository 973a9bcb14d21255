"""Forward hooks that record intermediate features at module paths."""
import difflib
from contextlib import contextmanager
from typing import Dict, Iterator, Sequence, Tuple

import torch
from torch import nn

__all__ = ['FeatureTaps', 'parse_tap', 'StopForward']


class StopForward(Exception):
    """Raised by a hook to end a forward pass once every needed feature is recorded."""


def parse_tap(tap: str) -> Tuple[str, str]:
    """Split ``'generator.body'`` / ``'generator.upsample:input'`` into (path, 'output'|'input')."""
    if not isinstance(tap, str) or not tap:
        raise TypeError(f'a tap is a module path string, got {tap!r}')
    path, _, port = tap.partition(':')
    port = port or 'output'
    if port not in ('output', 'input'):
        raise ValueError(f'tap {tap!r}: the part after ":" must be "input" or "output", '
                         f'got {port!r}')
    return path, port


class FeatureTaps:
    """Record the outputs (or first inputs) of submodules of ``model`` during a forward.

    Paths are checked when the taps are made: a path that names no submodule raises a
    ``ValueError`` listing the nearest existing paths.

    Args:
        model (nn.Module): The network to tap.
        taps (Sequence[str]): Module paths relative to ``model``, optionally suffixed with
            ``':input'`` to record the module's first positional input instead of its output.
        stop_after_last (bool): Stop the forward (raise :class:`StopForward`, caught by
            :meth:`record`) as soon as every tap has fired. For a teacher whose output is
            not needed this skips the rest of the network. Defaults to False.
    """

    def __init__(self, model: nn.Module, taps: Sequence[str], stop_after_last: bool = False):
        self.taps = list(dict.fromkeys(taps))
        self.stop_after_last = stop_after_last
        self._features: Dict[str, torch.Tensor] = {}
        self._versions: Dict[str, int] = {}
        self._recording = False
        modules = dict(model.named_modules())
        self._handles = []
        for tap in self.taps:
            path, port = parse_tap(tap)
            if path not in modules:
                nearest = difflib.get_close_matches(path, [p for p in modules if p], n=5,
                                                    cutoff=0.4)
                raise ValueError(
                    f'tap {tap!r} names no submodule of {type(model).__name__}; nearest '
                    f'existing paths: {nearest or sorted(p for p in modules if p)[:10]}')
            module = modules[path]
            if port == 'output':
                hook = module.register_forward_hook(self._make_hook(tap, port))
            else:
                hook = module.register_forward_pre_hook(self._make_hook(tap, port))
            self._handles.append(hook)

    def _make_hook(self, tap: str, port: str):

        def hook(module, args, output=None):
            if not self._recording:
                return None
            value = args[0] if port == 'input' else output
            if not isinstance(value, torch.Tensor):
                raise TypeError(f'tap {tap!r} produced {type(value).__name__}, not a tensor')
            self._features[tap] = value
            self._versions[tap] = value._version
            if self.stop_after_last and len(self._features) == len(self.taps):
                raise StopForward
            return None

        return hook

    @contextmanager
    def record(self) -> Iterator[Dict[str, torch.Tensor]]:
        """Record during the ``with`` block; yields the dict that fills with features.

        A :class:`StopForward` raised by the last hook ends the block quietly.
        """
        self._features = {}
        self._versions = {}
        self._recording = True
        try:
            yield self._features
        except StopForward:
            pass
        finally:
            self._recording = False
        missing = [t for t in self.taps if t not in self._features]
        if missing:
            raise RuntimeError(f'taps {missing} did not fire during the forward pass')
        for tap, version in self._versions.items():
            if self._features[tap]._version != version:
                raise RuntimeError(
                    f'the tensor recorded at tap {tap!r} was modified in place later in the '
                    f'forward pass, so it no longer holds that feature; tap the input of the '
                    f'module that consumes it instead (e.g. "<next module>:input")')

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.taps})'

