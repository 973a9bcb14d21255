"""Soak test: train a config for many iterations and watch resident memory
(``tools/analysis/soak.py``).

The config's own hooks, data loading and checkpoints run in this process (``max_iters``
and ``val_interval`` overridden). Every ``every`` iterations the resident set size (RSS)
of this process and of its data-loading workers is read from ``/proc`` (Linux): ``main``
is this process's RSS, ``total`` the proportional set size (PSS, shared pages divided among
the sharers) summed over this process and its workers. After the run a least-squares line
is fitted to the samples past ``warmup`` iterations (and one to the last half of them) and
the slopes are reported in MiB per 1,000 iterations: a leak shows as a steady positive
slope, allocator noise as a slope near zero; a slope that no two samples define is ``null``
(the summary is valid JSON). ``--summary`` recomputes the slopes of a soak JSON with the
``warmup`` stored in it unless another one is given. The terminal shows the progress; the
run's log goes to ``soak.out`` in the work dir.
"""
import argparse
import contextlib
import json
import math
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from ...engine.diagnostics import config_problems
from ..caps import cap_iterations
from ..paths import refuse_protected_outputs, write_json
from ..preflight import data_problems
from ..progress import Progress, ProgressHook
from ..train import stop_on

__all__ = ['run_soak', 'summarise', 'slope', 'rss_mib', 'pss_mib', 'children',
           'DEFAULT_WARMUP']

#: Iterations left out of the slope when neither the command nor the soak JSON says.
DEFAULT_WARMUP = 500

PAGE_MIB = os.sysconf('SC_PAGE_SIZE') / 2**20


def rss_mib(pid: int) -> float:
    """Resident set size of process ``pid`` in MiB (0 when it is gone)."""
    try:
        with open(f'/proc/{pid}/statm') as f:
            return int(f.read().split()[1]) * PAGE_MIB
    except (OSError, IndexError, ValueError):
        return 0.0


def pss_mib(pid: int) -> float:
    """Proportional set size of ``pid`` in MiB: pages shared with other processes (the
    workers share the parent's pages after fork) are divided among them, so the sum over
    processes counts each page once."""
    try:
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Pss:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> List[int]:
    """Direct child processes of ``pid`` (the data-loading workers)."""
    kids = []
    for task in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{task}/children') as f:
                kids += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return kids


def slope(points: List[Tuple[float, float]]) -> Optional[float]:
    """Least-squares slope of y over x; None when fewer than two distinct x."""
    n = len(points)
    if n < 2:
        return None
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx)**2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def _finite(value):
    """NaN / Inf (from a soak JSON of an older version) -> None: JSON has no NaN."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def summarise(samples: List[Dict[str, float]], warmup: int) -> dict:
    """Slopes (MiB per 1,000 iterations) of the main process's RSS and of the PSS of all
    processes, over the samples past ``warmup`` and over the last half of those."""
    late = [s for s in samples if s['iter'] > warmup]
    half = late[len(late) // 2:]
    out = dict(samples=len(samples), warmup=warmup)
    for key in ('main', 'total'):
        out[f'{key}_at_warmup_mib'] = round(late[0][key], 1) if late else None
        out[f'{key}_final_mib'] = round(samples[-1][key], 1) if samples else None
        out[f'{key}_max_mib'] = round(max(s[key] for s in samples), 1) if samples else None
        for name, points in (('slope', late), ('slope_last_half', half)):
            value = slope([(s['iter'], s[key]) for s in points])
            out[f'{key}_{name}_mib_per_1k'] = None if value is None else round(1000 * value, 3)
    return out


def run_soak(args: argparse.Namespace) -> dict:
    """Soak-train ``args.config`` (or, with ``args.summary``, summarise the soak JSON
    ``args.config``) as ``tools/analysis/soak.py`` does; returns the summary."""
    if args.summary:
        with open(args.config) as f:
            saved = json.load(f)
        summary = {k: _finite(v) for k, v in saved.get('summary', {}).items()}
        warmup = args.warmup if args.warmup is not None else summary.get(
            'warmup', DEFAULT_WARMUP)
        summary.update(summarise(saved['samples'], warmup))
        print(json.dumps(summary, indent=2, allow_nan=False))
        return summary
    warmup = DEFAULT_WARMUP if args.warmup is None else args.warmup
    name = osp.splitext(osp.basename(args.config))[0]
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    iters = cap_iterations(args.iters, 'soak --iters')
    cfg.train_cfg.max_iters = iters
    cfg.train_cfg.val_interval = min(args.val_interval, iters)
    cfg.work_dir = args.work_dir or osp.join('work_dirs', 'soak', name)
    out = args.out or osp.join(cfg.work_dir, 'soak.json')
    refuse_protected_outputs([out], getattr(args, 'force', False))
    stop_on(config_problems(cfg) + data_problems(cfg))

    samples: List[Dict[str, float]] = []
    start = time.time()

    class RssSampler(Hook):
        priority = 'LOWEST'

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            it = runner.iter + 1
            if it % args.every == 0 or it == 1:
                pids = [os.getpid(), *children(os.getpid())]
                samples.append(dict(iter=it, seconds=round(time.time() - start, 1),
                                    main=round(rss_mib(os.getpid()), 2),
                                    total=round(sum(pss_mib(p) for p in pids), 2),
                                    workers=len(pids) - 1))

    progress = Progress(1, 'runs')
    os.makedirs(cfg.work_dir, exist_ok=True)
    log_path = osp.join(cfg.work_dir, 'soak.out')
    with open(log_path, 'a') as log, contextlib.redirect_stdout(log), \
            contextlib.redirect_stderr(log):
        runner = Runner.from_cfg(cfg)
        runner.register_hook(RssSampler())
        runner.register_hook(ProgressHook(callback=lambda i, n: progress.update(name, i, n)))
        progress.start_run(name, iters)
        try:
            runner.train()
        except BaseException:
            progress.finish_run(name, ok=False, note=f'see {log_path}')
            raise
    progress.finish_run(name)
    progress.close(f'log: {log_path}')

    summary = dict(config=args.config, iters=iters, every=args.every,
                   seconds=round(time.time() - start), **summarise(samples, warmup))
    print(json.dumps(summary, indent=2, allow_nan=False))
    write_json(out, dict(summary=summary, samples=samples), allow_nan=False)
    print(f'samples: {out}')
    return summary
