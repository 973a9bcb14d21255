"""Manifests of shipped checkpoints (``checkpoints/<method>/manifest.json``).

A manifest is a JSON list of entries ``{"name", "config", "checkpoint", <metric>}``: the
plain host config (a student extracted with ``tools/model_converters/extract_student.py``,
or a teacher), its checkpoint, and the figure ``tools/test.py`` reproduces on them
(``bench14_psnr_y`` for super-resolution, ``top1`` for classification). An SGN entry holds
the training config, the generator alone (``extract_student.py CKPT OUT --prefix
generator.``) and
``reconstruction_psnr``, the held-out photos' PSNR at the pure source mix that
``tools/analysis/sgn_mixing_fidelity.py`` reproduces. Paths are relative to the project
root (the checkout, or ``mmkd_ext/.mim`` in a wheel).
"""
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence

from .paths import project_root

__all__ = ['ManifestError', 'load_manifest', 'check_entry', 'METRIC_KEYS', 'SR_NAMES']

#: The metric an entry may carry, and the test metric it is compared with.
METRIC_KEYS = {'bench14_psnr_y': 'bench14/PSNR', 'top1': 'accuracy/top1',
               'reconstruction_psnr': 'reconstruction.mean_db'}
#: Names of super-resolution study rows (``lsfd-<variant>`` too).
SR_NAMES = ('alone', 'output-kd', 'fitnet', 'at', 'fakd', 'lsfd')
_SR_NAME = re.compile(r'^(alone|output-kd|fitnet|at|fakd|lsfd)(-[a-z0-9-]+)?$')


class ManifestError(ValueError):
    """A manifest that cannot be used, with what is wrong and where."""


def _resolve(path: str, root: str) -> str:
    return path if osp.isabs(path) else osp.join(root, path)


def _validate(entries, where: str, names: Optional[Sequence[str]]) -> List[dict]:
    if not isinstance(entries, list):
        raise ManifestError(f'{where}: a manifest is a JSON list of entries, got '
                            f'{type(entries).__name__}')
    seen = set()
    for i, entry in enumerate(entries):
        at = f'{where}: entry {i}'
        if not isinstance(entry, dict):
            raise ManifestError(f'{at} is not an object')
        missing = [k for k in ('name', 'config', 'checkpoint') if k not in entry]
        metrics = [k for k in METRIC_KEYS if k in entry]
        if missing or len(metrics) != 1:
            raise ManifestError(
                f'{at} ({entry.get("name", "?")}) needs "name", "config", "checkpoint" and '
                f'one of {sorted(METRIC_KEYS)}; missing {missing or "a metric"}')
        if names == SR_NAMES and not _SR_NAME.match(entry['name']):
            raise ManifestError(f'{at}: name {entry["name"]!r} is not one of {SR_NAMES} or '
                                "'lsfd-<variant>'")
        if entry['name'] in seen:
            raise ManifestError(f'{at}: name {entry["name"]!r} appears twice')
        seen.add(entry['name'])
    return entries


def load_manifest(path: str, names: Optional[Sequence[str]] = None,
                  root: Optional[str] = None) -> List[dict]:
    """Read and validate a manifest; config and checkpoint paths come back absolute.

    Args:
        path (str): The manifest file.
        names (Sequence[str], optional): ``SR_NAMES`` to enforce the super-resolution row
            names. Defaults to None (any name).
        root (str, optional): What relative paths are relative to. Defaults to the
            project root.

    Raises:
        ManifestError: The file is not valid JSON, an entry lacks a key, names a file that
            does not exist, or repeats a name.
    """
    root = root or project_root()
    try:
        with open(path) as f:
            entries = json.load(f)
    except ValueError as error:
        raise ManifestError(f'{path} is not valid JSON: {error}') from None
    entries = _validate(entries, path, names)
    out = []
    for entry in entries:
        entry = dict(entry)
        for key in ('config', 'checkpoint'):
            entry[key] = _resolve(entry[key], root)
            if not osp.isfile(entry[key]):
                raise ManifestError(f'{path}: {entry["name"]}: {key} {entry[key]!r} does not '
                                    'exist')
        out.append(entry)
    return out


def check_entry(entry: Dict) -> None:
    """Build the entry's config and load its checkpoint strictly into it.

    Raises:
        ManifestError: The checkpoint does not fit the config (the mismatch report names
            the differing tensors), e.g. a distillation checkpoint that still holds its
            teacher, or a student of another size.
    """
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmkd_ext.models.algorithms.base import build_model, load_teacher_weights
    cfg = Config.fromfile(entry['config'])
    if cfg.model.get('type') == 'SGN':  # a generator-only checkpoint: what SGNMixer loads
        from .sgn_mix import SGNMixer
        try:
            SGNMixer(cfg, entry['checkpoint'])
        except ValueError as error:
            raise ManifestError(f'manifest entry {entry["name"]!r}: config {entry["config"]} '
                                f'and checkpoint {entry["checkpoint"]} do not match: '
                                f'{error}') from None
        return
    init_default_scope(cfg.get('default_scope', 'mmkd_ext'))
    model = build_model(cfg.model)
    try:
        load_teacher_weights(model, entry['checkpoint'], prefix='', role='model')
    except ValueError as error:
        raise ManifestError(f'manifest entry {entry["name"]!r}: config {entry["config"]} and '
                            f'checkpoint {entry["checkpoint"]} do not match: {error}') from None

