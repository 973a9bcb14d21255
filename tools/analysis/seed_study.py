"""Train configs with several seeds and tabulate their final validation metrics.

    python tools/analysis/seed_study.py CONFIG [CONFIG ...] --seeds 0 1 2 \
        --work-dir work_dirs/study [--jobs 2] [--cfg-options k=v ...] [--out study.json]

Each (config, seed) trains once with ``tools/train.py`` in its own work dir, from the
current directory; a finished run is not repeated and an interrupted one resumes, so the
command can be re-run after a stop. ``--jobs`` runs that many trainings at a time, each with
one intra-op thread. The terminal shows the runs done, the iterations of the runs in
progress and the time left; each run's full log is ``WORK_DIR/<config>/seed<s>/train.out``.
The table gives mean and sample standard deviation over the seeds of the metrics of the
last validation (PSNR/SSIM for SR, accuracy for classification), one column per metric
any config logs (``-`` where a config does not log it). ``MMKD_MAX_SEEDS`` and
``MMKD_MAX_ITERS`` shorten a study (``mmkd_ext/apis/caps.py``).
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
    parser.add_argument('--force', action='store_true',
                        help='write --out even where it is a shipped or git-tracked file')
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f'--jobs must be >= 1, got {args.jobs}')
    return args


def main(argv=None):
    return run_seed_study(parse_args(argv))


if __name__ == '__main__':
    main()
