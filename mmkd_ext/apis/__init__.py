"""What the tools call: train / test entries (config merge, preflight data checks, runtime
guards), sequential FEED generations, SGN mixing, SR inference, data preparation, student
extraction, analyses, benchmarks.

Names are imported on first use, so ``import mmkd_ext.apis.prepare_data`` (or any one
entry) does not build the whole model zoo.
"""
import importlib

#: name -> module (below mmkd_ext.apis) that defines it.
_EXPORTS = {
    'SGNMixer': 'sgn_mix', 'default_mixes': 'sgn_mix', 'mix_grid': 'sgn_mix',
    'parse_mix': 'sgn_mix', 'tile_grid': 'sgn_mix',
    'SRInferencer': 'sr_infer', 'super_resolve': 'sr_infer',
    'run_train': 'train', 'train_args': 'train', 'add_runtime_guards': 'train',
    'run_test': 'test',
    'data_problems': 'preflight', 'missing_data_roots': 'preflight',
    'corrupt_data_files': 'preflight',
    'train_generations': 'feed_sequential',
    'prepare': 'prepare_data', 'missing_data_message': 'prepare_data',
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f'.{_EXPORTS[name]}', __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
