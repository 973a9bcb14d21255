"""Soak test: train a config for many iterations and watch resident memory.

    OMP_NUM_THREADS=1 python tools/analysis/soak.py CONFIG [--iters 3000] [--every 10]
        [--warmup 500] [--val-interval 1000] [--work-dir DIR] [--out soak.json]
        [--cfg-options KEY=VALUE ...]
    python tools/analysis/soak.py soak.json --summary [--warmup N]

Runs the config's runner in this process with the config's own hooks, data
loading and checkpoints (``max_iters`` and ``val_interval`` overridden). Every ``--every``
iterations the resident set size (RSS) of this process and of its data-loading workers is
read from ``/proc`` (Linux): ``main`` is this process's RSS, ``total`` the proportional set
size (PSS, shared pages divided among the sharers) summed over this process and its
workers. After the run it fits a least-squares line to the samples past
``--warmup`` iterations (and one to the last half of them) and reports the slopes in MiB per
1,000 iterations: a leak shows as a steady positive slope, allocator noise as a slope near
zero. ``--summary`` recomputes them with the JSON's own warmup unless ``--warmup`` is given.
"""
import argparse

from mmengine.config import DictAction

from mmkd_ext.apis.analysis.soak import run_soak


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a config, or with --summary a soak JSON to summarise')
    parser.add_argument('--summary', action='store_true',
                        help='print the summary of a soak JSON written earlier (no training)')
    parser.add_argument('--iters', type=int, default=3000)
    parser.add_argument('--every', type=int, default=10, help='sample every N iterations')
    parser.add_argument('--warmup', type=int, default=None,
                        help='iterations left out of the slope (default: 500; with --summary '
                        'the warmup stored in the JSON)')
    parser.add_argument('--val-interval', type=int, default=1000)
    parser.add_argument('--work-dir', default=None)
    parser.add_argument('--out', default=None, help='JSON with the samples and the summary '
                        '(default: WORK_DIR/soak.json)')
    parser.add_argument('--force', action='store_true',
                        help='write --out even where it is a shipped or git-tracked file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(argv)


def main(argv=None):
    return run_soak(parse_args(argv))


if __name__ == '__main__':
    main()
