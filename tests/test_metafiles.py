"""The model index: every metafile's configs and weights exist, its results are the READMEs'.

A metafile result names where it comes from (``Metadata.Source``, and ``Source`` beside the
``Metrics`` of a Student / Teacher entry): a README table row (``Section`` to narrow the
search, ``Row`` = {column: cell} to find the row, ``Columns`` = {metric: column}) or a
``Quote`` of README prose. The numbers are parsed from the README each time, so the test
holds as long as a new study updates both files together.
"""
import glob
import os.path as osp
import re
from typing import Dict, List, Tuple

import pytest
from mmengine.config import Config
from mmengine.fileio import load
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mmkd_ext.registry import MODELS

from .conftest import REPO

INDEX = load(osp.join(REPO, 'model-index.yml'))
METAFILES = {path: load(osp.join(REPO, path)) for path in INDEX['Import']}
MODELS_BY_NAME = {model['Name']: (path, model)
                  for path, meta in METAFILES.items() for model in meta['Models']}
# Metadata roles with a config of their own; a ``Distilled Student`` is the network a
# distillation entry trained, shipped on its own: it loads into the student's config; a
# ``Shipped Network`` is one network of an online entry (no teacher), shipped on its own: it
# loads into the config of that network trained alone.
ROLES = ('Student', 'Teacher', 'Distilled Student', 'Shipped Network')
NUMBER = re.compile(r'[-+]?\d+(?:,\d{3})*(?:\.\d+)?')


def _numbers(text: str) -> List[float]:
    return [float(n.replace(',', '')) for n in NUMBER.findall(text)]


def _clean(cell: str) -> str:
    return ' '.join(cell.replace('**', '').replace('`', '').split())


def _tables(path: str) -> List[Tuple[List[str], List[str], List[List[str]]]]:
    """(enclosing headings, header, rows) of every markdown table in ``path``."""
    with open(osp.join(REPO, path)) as f:
        lines = f.read().splitlines()
    headings: List[Tuple[int, str]] = []
    tables, i = [], 0
    while i < len(lines):
        line = lines[i].strip()
        heading = re.match(r'(#+)\s+(.*)', line)
        if heading and not line.startswith('#!'):
            level = len(heading.group(1))
            headings = [h for h in headings if h[0] < level] + [(level, _clean(heading.group(2)))]
        if line.startswith('|'):
            block = []
            while i < len(lines) and lines[i].strip().startswith('|'):
                block.append([_clean(c) for c in lines[i].strip().strip('|').split('|')])
                i += 1
            tables.append(([h[1] for h in headings], block[0], block[2:]))
            continue
        i += 1
    return tables


def _readme_text(path: str) -> str:
    with open(osp.join(REPO, path)) as f:
        return ' '.join(f.read().split())


def _check_source(source: dict, metrics: Dict[str, float], readme: str) -> set:
    """Checks the metrics that ``source`` covers; returns their names."""
    readme = source.get('README', readme)
    if 'Quote' in source:
        quote = ' '.join(source['Quote'].split())
        assert quote in _readme_text(readme), f'{readme} does not say: {quote!r}'
        found = _numbers(quote)
        for name, value in metrics.items():
            assert value in found, f'{name}: {value} is not in the quote {quote!r}'
        return set(metrics)
    tables = [t for t in _tables(readme)
              if source.get('Section') is None or _clean(source['Section']) in t[0]]
    assert tables, f'{readme}: no table under a heading {source.get("Section")!r}'
    matches = []
    for _, header, rows in tables:
        if not all(col in header for col in [*source['Row'], *source['Columns'].values()]):
            continue
        for row in rows:
            cells = dict(zip(header, row))
            if all(cells.get(col) == _clean(str(val)) for col, val in source['Row'].items()):
                matches.append(cells)
    assert len(matches) == 1, (f'{readme}: {len(matches)} rows match {source["Row"]} with '
                               f'columns {list(source["Columns"].values())}')
    cells, covered = matches[0], set()
    for name, value in metrics.items():
        if name in source['Columns']:
            index, column = 0, source['Columns'][name]
        elif name.endswith(' std') and name[:-4] in source['Columns']:
            index, column = 1, source['Columns'][name[:-4]]
        else:
            continue
        found = _numbers(cells[column])
        assert len(found) > index and found[index] == value, (
            f'{name}: the metafile says {value}, {readme} row {source["Row"]} column '
            f'{column!r} says {cells[column]!r}')
        covered.add(name)
    return covered


def _check_metrics(metrics: dict, sources, readme: str, where: str) -> None:
    assert sources, f'{where}: metrics without a Source'
    sources = sources if isinstance(sources, list) else [sources]
    covered = set().union(*(_check_source(s, metrics, readme) for s in sources))
    assert covered == set(metrics), f'{where}: no README source for {set(metrics) - covered}'


def _config_path(config: str) -> str:
    if '::' in config:
        from mmengine.config.utils import _get_package_and_cfg_path
        from mmengine.utils import get_installed_path
        package, relative = _get_package_and_cfg_path(config)
        return osp.join(get_installed_path(package), '.mim', 'configs', relative)
    return osp.join(REPO, config)


def _weights(entry: dict) -> List[str]:
    weights = entry.get('Weights', [])
    return [weights] if isinstance(weights, str) else list(weights)


def test_model_index_imports_every_method_folder():
    folders = sorted({osp.relpath(osp.dirname(p), REPO)
                      for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
                      if not osp.basename(osp.dirname(p)).startswith('_')})
    assert INDEX['Import'] == [f'{folder}/metafile.yml' for folder in folders]
    assert sum(len(meta['Models']) for meta in METAFILES.values()) == len(MODELS_BY_NAME)


@pytest.mark.parametrize('path', sorted(METAFILES))
def test_metafile(path):
    meta = METAFILES[path]
    collections = {c['Name']: c for c in meta['Collections']}
    for collection in collections.values():
        assert collection['Paper']['Title'] and collection['Paper']['URL'].startswith('https://')
        assert osp.isfile(osp.join(REPO, collection['README'])), collection['README']
        assert collection['Task'], collection['Name']
    assert meta['Models'], path
    for model in meta['Models']:
        where = f'{path}: {model["Name"]}'
        assert model['In Collection'] in collections, where
        readme = collections[model['In Collection']]['README']
        assert osp.basename(model['Config']) == model['Name'] + '.py', where
        assert osp.dirname(model['Config']) == osp.dirname(path), where
        assert osp.isfile(_config_path(model['Config'])), where
        for weights in _weights(model):
            assert osp.isfile(osp.join(REPO, weights)), f'{where}: {weights}'
        metadata = model.get('Metadata', {})
        for role in ROLES:
            entry = metadata.get(role)
            if entry is None:
                continue
            assert osp.isfile(_config_path(entry['Config'])), f'{where}: {role}'
            for weights in _weights(entry):
                assert osp.isfile(osp.join(REPO, weights)), f'{where}: {role} {weights}'
            if 'Metrics' in entry:
                _check_metrics(entry['Metrics'], entry.get('Source'), readme, f'{where} {role}')
        results = model.get('Results', [])
        assert len(results) <= 1, f'{where}: one measured result per model'
        for result in results:
            assert result['Task'] in collections[model['In Collection']]['Task'], where
            assert metadata.get('Machine') and metadata.get('Protocol'), (
                f'{where}: a result needs the machine and the protocol')
            _check_metrics(result['Metrics'], metadata.get('Source'), readme, where)


def _load_pairs():
    """(config, weights) of every shipped checkpoint a metafile names."""
    pairs = set()
    for _, model in MODELS_BY_NAME.values():
        pairs.update((model['Config'], w) for w in _weights(model))
        for role in ROLES:
            entry = model.get('Metadata', {}).get(role) or {}
            pairs.update((entry['Config'], w) for w in _weights(entry))
    return sorted(pairs)


@pytest.mark.parametrize('config,weights', _load_pairs())
def test_weights_load_into_their_config(config, weights):
    cfg = Config.fromfile(_config_path(config))
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    load_checkpoint(model, osp.join(REPO, weights), map_location='cpu', strict=True,
                    logger='silent')
    name = osp.splitext(osp.basename(config))[0]
    if name in MODELS_BY_NAME:
        parameters = MODELS_BY_NAME[name][1].get('Metadata', {}).get('Parameters')
        if parameters is not None:
            assert sum(p.numel() for p in model.parameters()) == parameters


def test_mmengine_finds_configs_and_weights_through_the_index():
    """``mmengine.hub.get_config`` reads model-index.yml from mmkd_ext/.mim."""
    from mmengine.hub import get_config
    with_weights = [(path, model) for path, model in MODELS_BY_NAME.values() if _weights(model)]
    assert with_weights
    for path, model in with_weights:
        relative = model['Config'].partition('/')[-1]
        cfg = get_config(f'mmkd_ext::{relative}', pretrained=True)
        assert osp.samefile(cfg.filename, _config_path(model['Config']))
        assert cfg.model_path == model['Weights']
