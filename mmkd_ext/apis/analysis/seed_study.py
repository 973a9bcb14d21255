"""Train configs with several seeds and tabulate their final validation metrics
(``tools/analysis/seed_study.py``).

Each (config, seed) trains once with ``tools/train.py`` in its own work dir
(``WORK_DIR/<config>/seed<s>``), from the current working directory (relative config, data
and checkpoint paths are read from there, as ``tools/train.py`` reads them); a finished run
is not repeated and an interrupted one resumes, so a study can be re-run after a stop.
``jobs`` trainings run at a time, each with one intra-op thread. The terminal shows the
progress (runs done, the iterations of the runs in progress, the time left); each run's
full log is its ``train.out``.

The table gives mean and sample standard deviation over the seeds of the metrics of the
last validation (PSNR/SSIM for SR, accuracy for classification). Its columns are every
metric any run logged, in the order they were first seen: configs that log different
metrics (FEED with one teacher logs ``teacher/accuracy/top1``, with three
``teacher/t100/accuracy/top1``; AFD with three networks adds ``net2/...`` and more CKA
pairs) share one table, a metric a config does not log shows ``-``.

A sweep: ``variants`` (``--variant NAME OPT [OPT ...]``) trains every config once per
variant, each a named set of ``--cfg-options`` added to the study's own (e.g. a loss
weight, or a tap), in ``WORK_DIR/<config>/<variant>/seed<s>``; the table's rows are
``<config>@<variant>``.

A baseline (``--baseline NAME``, a row's name) adds a second table for one metric
(``--metric``, default the first column): each row's value per seed, its mean +- std, and
its gain over the baseline, paired by seed (the mean +- std of the per-seed differences,
over the seeds both rows have). ``--tabulate FILE ...`` prints the tables from the JSON of
earlier studies (``--out``) instead of training, e.g. rows trained by separate studies.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence, Tuple

from ..caps import cap_seeds
from ..paths import refuse_protected_outputs, write_json
from ..progress import Progress
from ..run_logs import last_val_metrics
from ..runs import train_in_subprocess

__all__ = ['run_seed_study', 'train_one', 'metric_columns', 'table', 'gain_table',
           'load_results', 'parse_variants']

#: A sweep point: its name (None: the config as it is) and its cfg options.
Variant = Tuple[Optional[str], List[str]]

#: Not a metric: the training time the study adds to each run's metrics.
SECONDS = 'seconds'


def run_name(config: str) -> str:
    return osp.splitext(osp.basename(config))[0]


def parse_variants(specs: Optional[Sequence[Sequence[str]]]) -> List[Variant]:
    """``[[NAME, OPT, ...], ...]`` -> ``[(NAME, [OPT, ...]), ...]``; ``[(None, [])]`` (the
    config as it is) when there are none. A name is a folder name, given once; an option
    is ``key=value``."""
    if not specs:
        return [(None, [])]
    variants, seen = [], set()
    for spec in specs:
        name, options = spec[0], list(spec[1:])
        if not name or name in seen or os.sep in name or name.startswith('.') or '=' in name:
            raise ValueError(f'variant name {name!r}: give each variant a new, plain name '
                             '(a folder name without "=") before its options')
        bad = [o for o in options if '=' not in o]
        if bad:
            raise ValueError(f'variant {name!r}: options must be key=value, got {bad}')
        seen.add(name)
        variants.append((name, options))
    return variants


def train_one(config: str, seed: int, args: argparse.Namespace,
              progress: Optional[Progress] = None,
              variant: Variant = (None, [])) -> Tuple[str, int, Optional[dict]]:
    """Train one seed of ``config`` (unless done), with a variant's options; its row name,
    seed and last metrics (None when the training failed: its ``train.out`` says why)."""
    vname, voptions = variant
    name = run_name(config) + (f'@{vname}' if vname else '')
    label = f'{name} seed {seed}'
    work_dir = osp.join(args.work_dir, run_name(config), *([vname] if vname else []),
                        f'seed{seed}')
    done = osp.join(work_dir, 'metrics.json')
    if not osp.exists(done):
        env = {'OMP_NUM_THREADS': '1'} if args.jobs > 1 else None
        seconds = train_in_subprocess(config, work_dir,
                                      [f'randomness.seed={seed}', *args.cfg_options,
                                       *voptions],
                                      label, progress, env, finish=False)
        metrics = last_val_metrics(work_dir) if seconds is not None else None
        if seconds is None:
            return name, seed, None
        if not metrics:
            if progress is not None:
                progress.finish_run(label, ok=False, note='no validation metrics logged; '
                                    f'see {work_dir}/train.out')
            return name, seed, None
        metrics[SECONDS] = seconds
        with open(done, 'w') as f:
            json.dump(metrics, f)
    elif progress is not None:
        progress.start_run(label)
    with open(done) as f:
        metrics = json.load(f)
    if progress is not None:
        progress.finish_run(label, note=', '.join(
            f'{k} {v:.4f}' for k, v in metrics.items() if k != SECONDS))
    return name, seed, metrics


def metric_columns(by_config: Dict[str, Dict[int, dict]]) -> List[str]:
    """Every metric of every run, in the order first seen (the training time aside)."""
    keys: Dict[str, None] = {}
    for runs in by_config.values():
        for metrics in runs.values():
            keys.update((k, None) for k in metrics if k != SECONDS)
    return list(keys)


def _mean_std(values: List[float], digits: int = 4, signed: bool = False) -> str:
    """``mean +- sample std`` (std 0 for one value), ``-`` for none."""
    if not values:
        return '-'
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{mean:{"+" if signed else ""}.{digits}f} +- {std:.{digits}f}'


def _cell(values: List[float], seeds: int, seconds: bool = False) -> str:
    if values and seconds:
        return f'{statistics.mean(values):.0f}'
    return _mean_std(values) + (f' (n={len(values)})' if values and len(values) < seeds else '')


def table(by_config: Dict[str, Dict[int, dict]]) -> str:
    """The markdown table of :func:`run_seed_study`: a row per config, a column per metric
    of :func:`metric_columns` (``-`` where a config does not log it)."""
    keys = metric_columns(by_config)
    lines = ['| config | seeds | ' + ' | '.join(f'{k} mean +- std' for k in keys) +
             ' | train s |', '|---|---|' + '---|' * (len(keys) + 1)]
    for name, runs in by_config.items():
        cells = [_cell([m[k] for m in runs.values() if k in m], len(runs)) for k in keys]
        cells.append(_cell([m[SECONDS] for m in runs.values() if SECONDS in m], len(runs),
                           seconds=True))
        lines.append(f'| {name} | {len(runs)} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def gain_table(by_config: Dict[str, Dict[int, dict]], baseline: str,
               metric: Optional[str] = None, digits: int = 3) -> str:
    """The markdown table of one ``metric`` (default: the first of :func:`metric_columns`):
    a row per config with its value per seed, mean +- std, and the gain over the row
    ``baseline``, paired by seed (mean +- std of the per-seed differences over the seeds
    both rows have, and those differences). Raises KeyError naming the rows when
    ``baseline`` is not one of them, ValueError when ``metric`` is logged by none."""
    if baseline not in by_config:
        raise KeyError(f'baseline {baseline!r} is not a row; rows: {", ".join(by_config)}')
    metric = metric or (metric_columns(by_config) or [None])[0]
    if metric is None or metric not in metric_columns(by_config):
        raise ValueError(f'metric {metric!r} is not logged; metrics: '
                         f'{", ".join(metric_columns(by_config))}')
    seeds = sorted({s for runs in by_config.values() for s in runs})
    base = {s: m[metric] for s, m in by_config[baseline].items() if metric in m}

    lines = ['| config | ' + ' | '.join(f'seed {s}' for s in seeds) +
             f' | {metric} mean +- std | gain over {baseline} | gain per seed |',
             '|---|' + '---|' * (len(seeds) + 3)]
    for name, runs in by_config.items():
        values = {s: m[metric] for s, m in runs.items() if metric in m}
        gains = {s: v - base[s] for s, v in values.items() if s in base}
        per_seed = [f'{values[s]:.{digits}f}' if s in values else '-' for s in seeds]
        lines.append(f'| {name} | ' + ' | '.join(per_seed) +
                     f' | {_mean_std(list(values.values()), digits)}'
                     f' | {_mean_std(list(gains.values()), digits, signed=True)} | ' +
                     (', '.join(f'{gains[s]:+.{digits}f}' for s in sorted(gains)) or '-') +
                     ' |')
    return '\n'.join(lines)


def load_results(paths: Sequence[str]) -> Dict[str, Dict[int, dict]]:
    """The per-run metrics of earlier studies (their ``--out`` JSON), merged in order; a
    (row, seed) in two files keeps the later one. Raises ValueError naming a file that is
    not a study's JSON."""
    merged: Dict[str, Dict[int, dict]] = {}
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
            rows = {name: {int(seed): dict(metrics) for seed, metrics in runs.items()}
                    for name, runs in data.items()}
        except (OSError, ValueError, AttributeError, TypeError) as error:
            raise ValueError(f'{path}: not the JSON of a seed study (--out): {error}') \
                from None
        for name, runs in rows.items():
            merged.setdefault(name, {}).update(runs)
    return merged


def print_tables(by_config: Dict[str, Dict[int, dict]], baseline: Optional[str] = None,
                 metric: Optional[str] = None) -> None:
    print('\n' + table(by_config), flush=True)
    if baseline:
        print('\n' + gain_table(by_config, baseline, metric), flush=True)


def run_seed_study(args: argparse.Namespace) -> Dict[str, Dict[int, dict]]:
    """Train every (config, seed) of ``args`` and print the table; returns the metrics
    per config and seed (also written to ``args.out`` when given). Runs that fail do not
    stop the others; the study then exits with an error naming them, after the table."""
    if args.out:
        refuse_protected_outputs([args.out], getattr(args, 'force', False))
    seeds = cap_seeds(args.seeds)
    variants = parse_variants(getattr(args, 'variant', None))
    jobs = [(c, s, v) for s in seeds for c in args.configs for v in variants]
    progress = Progress(len(jobs), 'runs')
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: train_one(job[0], job[1], args, progress, job[2]),
                                jobs))

    by_config: Dict[str, Dict[int, dict]] = {}
    for name, seed, metrics in results:
        if metrics is not None:
            by_config.setdefault(name, {})[seed] = metrics
    failed = [osp.join(args.work_dir, *name.split('@', 1), f'seed{seed}', 'train.out')
              for name, seed, metrics in results if metrics is None]
    progress.close(f'work dirs under {args.work_dir}')
    if by_config:
        print_tables(by_config, getattr(args, 'baseline', None), getattr(args, 'metric', None))
    if args.out:
        write_json(args.out, by_config, indent=1)
        print(f'per-run metrics: {args.out}')
    if failed:
        sys.exit(f'error: {len(failed)} run(s) failed; their logs: {", ".join(failed)}')
    return by_config
