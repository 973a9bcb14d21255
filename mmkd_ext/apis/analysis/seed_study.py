"""Train configs with several seeds and tabulate their final validation metrics
(``tools/analysis/seed_study.py``).

Each (config, seed) trains once with ``tools/train.py`` in its own work dir
(``WORK_DIR/<config>/seed<s>``), from the folder holding the shipped configs; a finished run
is not repeated and an interrupted one resumes, so a study can be re-run after a stop.
``jobs`` trainings run at a time, each with one intra-op thread. The table gives mean and
sample standard deviation over the seeds of the metrics of the last validation (PSNR/SSIM
for SR, accuracy for classification).
"""
import argparse
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Tuple

from ..paths import project_root
from ..run_logs import last_val_metrics

__all__ = ['run_seed_study', 'train_one']


def train_one(config: str, seed: int, args: argparse.Namespace) -> Tuple[str, int, dict]:
    """Train one seed of ``config`` (unless done); its name, seed and last metrics."""
    root = project_root()
    name = osp.splitext(osp.basename(config))[0]
    work_dir = osp.join(args.work_dir, name, f'seed{seed}')
    done = osp.join(work_dir, 'metrics.json')
    if not osp.exists(osp.join(root, done)):
        os.makedirs(osp.join(root, work_dir), exist_ok=True)
        cmd = [sys.executable, osp.join(root, 'tools', 'train.py'), config, '--work-dir',
               work_dir, '--cfg-options', f'randomness.seed={seed}', *args.cfg_options]
        if osp.exists(osp.join(root, work_dir, 'last_checkpoint')):
            cmd.append('--resume')
        env = dict(os.environ, OMP_NUM_THREADS='1') if args.jobs > 1 else None
        start = time.time()
        with open(osp.join(root, work_dir, 'train.out'), 'a') as log:
            proc = subprocess.run(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f'{name} seed {seed} failed; see {work_dir}/train.out')
        metrics = last_val_metrics(osp.join(root, work_dir))
        if not metrics:
            raise RuntimeError(f'no validation metrics under {work_dir}')
        metrics['seconds'] = round(time.time() - start, 1)
        with open(osp.join(root, done), 'w') as f:
            json.dump(metrics, f)
    with open(osp.join(root, done)) as f:
        metrics = json.load(f)
    print(f'{name} seed {seed}: ' + ', '.join(f'{k} {v:.4f}' for k, v in metrics.items()),
          flush=True)
    return name, seed, metrics


def run_seed_study(args: argparse.Namespace) -> Dict[str, Dict[int, dict]]:
    """Train every (config, seed) of ``args`` and print the table; returns the metrics
    per config and seed (also written to ``args.out`` when given)."""
    jobs = [(c, s) for s in args.seeds for c in args.configs]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: train_one(*job, args), jobs))

    by_config: Dict[str, Dict[int, dict]] = {}
    for name, seed, metrics in results:
        by_config.setdefault(name, {})[seed] = metrics
    keys = [k for k in next(iter(by_config.values()))[args.seeds[0]] if k != 'seconds']
    print('\n| config | seeds | ' + ' | '.join(f'{k} mean +- std' for k in keys) +
          ' | train s |')
    print('|---|---|' + '---|' * (len(keys) + 1))
    for name, runs in by_config.items():
        cells = []
        for key in keys + ['seconds']:
            values = [runs[s][key] for s in args.seeds]
            std = statistics.stdev(values) if len(values) > 1 else 0.0
            cells.append(f'{statistics.mean(values):.0f}' if key == 'seconds' else
                         f'{statistics.mean(values):.4f} +- {std:.4f}')
        print(f'| {name} | {len(runs)} | ' + ' | '.join(cells) + ' |')
    if args.out:
        with open(osp.join(project_root(), args.out), 'w') as f:
            json.dump(by_config, f, indent=1)
    return by_config
