"""Train configs with several seeds and tabulate their final validation metrics.

    python tools/analysis/seed_study.py CONFIG [CONFIG ...] --seeds 0 1 2 \
        --work-dir work_dirs/study [--jobs 2] [--cfg-options k=v ...] [--out study.json]

Each (config, seed) trains once with ``tools/train.py`` in ``WORK_DIR/<config>/seed<s>``
(its full log: ``train.out``), from the current directory; re-running skips finished runs
and resumes interrupted ones. The terminal shows the progress, then the table (mean and
std over the seeds of every metric any config logs): ``mmkd_ext/apis/analysis/seed_study.py``.

A sweep (e.g. a loss weight on seed 0): ``--variant NAME OPT [OPT ...]``, repeated, trains
every config once per variant (its options added to ``--cfg-options``), in
``WORK_DIR/<config>/<NAME>/seed<s>``; the rows are ``<config>@<NAME>``::

    python tools/analysis/seed_study.py CONFIG --seeds 0 --work-dir work_dirs/sweep \
        --variant w0.3 model.distill_losses.body.loss.loss_weight=0.3 \
        --variant w3 model.distill_losses.body.loss.loss_weight=3
"""
import argparse

from mmkd_ext.apis.analysis.seed_study import parse_variants, run_seed_study


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='*')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/study')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument('--cfg-options', nargs='+', default=[])
    parser.add_argument('--variant', nargs='+', action='append', metavar='NAME_OR_OPT',
                        help='NAME key=value ...: train every config once per variant')
    parser.add_argument('--out', default=None, help='write the per-run metrics as JSON')
    parser.add_argument('--force', action='store_true',
                        help='write --out even where it is a shipped or git-tracked file')
    args = parser.parse_args(argv)
    if not args.configs:
        eaten = [v for v in args.cfg_options if '=' not in v and v.endswith('.py')]
        if eaten:
            parser.error(f'no config given: {", ".join(eaten)} was read as a --cfg-options '
                         'value (its values run to the next option); put the configs before '
                         '--cfg-options')
        parser.error('the following arguments are required: configs')
    if args.jobs < 1:
        parser.error(f'--jobs must be >= 1, got {args.jobs}')
    try:
        parse_variants(args.variant)
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv=None):
    return run_seed_study(parse_args(argv))


if __name__ == '__main__':
    main()
