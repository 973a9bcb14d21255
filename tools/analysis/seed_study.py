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

from mmkd_ext.apis.analysis.seed_study import run_seed_study


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/study')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument('--cfg-options', nargs='+', default=[])
    parser.add_argument('--out', default=None, help='write the per-run metrics as JSON')
    return parser.parse_args(argv)


def main(argv=None):
    return run_seed_study(parse_args(argv))


if __name__ == '__main__':
    main()
