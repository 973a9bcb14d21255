"""Soak test: train a config for many iterations and watch resident memory
(``tools/analysis/soak.py``).

The config's own hooks, data loading and checkpoints run in this process (``max_iters``
and ``val_interval`` overridden). Every ``every`` iterations the resident set size (RSS)
of this process and of its data-loading workers is read from ``/proc`` (Linux): ``main``
is this process's RSS, ``total`` the proportional set size (PSS, shared pages divided among
the sharers) summed over this process and its workers. After the run a least-squares line
is fitted to the samples past ``warmup`` iterations (and one to the last half of them) and
the slopes are reported in MiB per 1,000 iterations: a leak shows as a steady positive
slope, allocator noise as a slope near zero.
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict, List, Tuple

from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from ..preflight import data_problems
from ..train import stop_on

__all__ = ['run_soak', 'summarise', 'slope', 'rss_mib', 'pss_mib', 'children']

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


def slope(points: List[Tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    if n < 2:
        return float('nan')
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx)**2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float('nan')


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
            out[f'{key}_{name}_mib_per_1k'] = round(
                1000 * slope([(s['iter'], s[key]) for s in points]), 3)
    return out


def run_soak(args: argparse.Namespace) -> dict:
    """Soak-train ``args.config`` (or, with ``args.summary``, summarise the soak JSON
    ``args.config``) as ``tools/analysis/soak.py`` does; returns the summary."""
    if args.summary:
        with open(args.config) as f:
            saved = json.load(f)
        saved['summary'].update(summarise(saved['samples'], args.warmup))
        print(json.dumps(saved['summary'], indent=2))
        return saved['summary']
    name = osp.splitext(osp.basename(args.config))[0]
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.train_cfg.max_iters = args.iters
    cfg.train_cfg.val_interval = args.val_interval
    cfg.work_dir = args.work_dir or osp.join('work_dirs', 'soak', name)
    stop_on(data_problems(cfg))

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

    runner = Runner.from_cfg(cfg)
    runner.register_hook(RssSampler())
    runner.train()

    summary = dict(config=args.config, iters=args.iters, every=args.every,
                   seconds=round(time.time() - start), **summarise(samples, args.warmup))
    print(json.dumps(summary, indent=2))
    out = args.out or osp.join(cfg.work_dir, 'soak.json')
    with open(out, 'w') as f:
        json.dump(dict(summary=summary, samples=samples), f)
    print(f'samples: {out}')
    return summary
