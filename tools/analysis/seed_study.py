"""Train configs with several seeds and tabulate their final validation metrics.

    python tools/analysis/seed_study.py CONFIG [CONFIG ...] --seeds 0 1 2 \
        --work-dir work_dirs/study [--jobs 2] [--cfg-options k=v ...] [--out study.json]

Each (config, seed) trains once with ``tools/train.py`` in its own work dir; a finished run is
not repeated and an interrupted one resumes, so the command can be re-run after a stop.
``--jobs`` runs that many trainings at a time, each with one intra-op thread. The table
gives mean and sample standard deviation over the seeds of the metrics of the last
validation (PSNR/SSIM for SR, accuracy for classification).
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

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/study')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument('--cfg-options', nargs='+', default=[])
    parser.add_argument('--out', default=None, help='write the per-run metrics as JSON')
    return parser.parse_args(argv)


def last_val_metrics(work_dir):
    """The metrics of the last validation logged under ``work_dir`` (mmengine's scalars)."""
    runs = sorted(d for d in os.listdir(work_dir) if osp.isfile(
        osp.join(work_dir, d, 'vis_data', 'scalars.json')))
    for run in reversed(runs):
        with open(osp.join(work_dir, run, 'vis_data', 'scalars.json')) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        vals = [r for r in rows if 'loss' not in r and 'lr' not in r]
        if vals:
            return {k: v for k, v in vals[-1].items()
                    if k not in ('step', 'iter', 'epoch', 'time', 'data_time')}
    raise RuntimeError(f'no validation metrics under {work_dir}')


def train_one(config, seed, args):
    name = osp.splitext(osp.basename(config))[0]
    work_dir = osp.join(args.work_dir, name, f'seed{seed}')
    done = osp.join(work_dir, 'metrics.json')
    if not osp.exists(done):
        os.makedirs(work_dir, exist_ok=True)
        cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
               '--cfg-options', f'randomness.seed={seed}', *args.cfg_options]
        if osp.exists(osp.join(work_dir, 'last_checkpoint')):
            cmd.append('--resume')
        env = dict(os.environ, OMP_NUM_THREADS='1') if args.jobs > 1 else None
        start = time.time()
        with open(osp.join(work_dir, 'train.out'), 'a') as log:
            proc = subprocess.run(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f'{name} seed {seed} failed; see {work_dir}/train.out')
        metrics = dict(last_val_metrics(work_dir), seconds=round(time.time() - start, 1))
        with open(done, 'w') as f:
            json.dump(metrics, f)
    with open(done) as f:
        metrics = json.load(f)
    print(f'{name} seed {seed}: ' + ', '.join(f'{k} {v:.4f}' for k, v in metrics.items()),
          flush=True)
    return name, seed, metrics


def main(argv=None):
    args = parse_args(argv)
    os.chdir(REPO)
    jobs = [(c, s) for s in args.seeds for c in args.configs]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: train_one(*job, args), jobs))

    by_config = {}
    for name, seed, metrics in results:
        by_config.setdefault(name, {})[seed] = metrics
    keys = [k for k in next(iter(by_config.values()))[args.seeds[0]] if k != 'seconds']
    print(f'\n| config | seeds | ' + ' | '.join(f'{k} mean +- std' for k in keys) +
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
        with open(args.out, 'w') as f:
            json.dump(by_config, f, indent=1)


if __name__ == '__main__':
    main()
