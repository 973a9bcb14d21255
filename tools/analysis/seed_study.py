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

``--baseline ROW`` adds the per-seed values of one metric (``--metric``, default the
first) and each row's gain over ROW, paired by seed. ``--tabulate A.json B.json`` prints
the tables of earlier studies (their ``--out``) without training::

    python tools/analysis/seed_study.py --tabulate rows_a.json rows_b.json \
        --baseline edsr_x4c16b4_1xb8-16k_sr-demo --metric PSNR
"""
import argparse

from mmkd_ext.apis.analysis.seed_study import (
    load_results,
    parse_variants,
    print_tables,
    run_seed_study,
)


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
    parser.add_argument('--baseline', default=None, metavar='ROW',
                        help="a row's name (the config's file name without .py, "
                        "@VARIANT for a variant): add each row's gain over it, paired by seed")
    parser.add_argument('--metric', default=None,
                        help='the metric of the --baseline table (default: the first)')
    parser.add_argument('--tabulate', nargs='+', default=None, metavar='JSON',
                        help='print the tables of earlier studies (their --out) instead '
                        'of training')
    parser.add_argument('--force', action='store_true',
                        help='write --out even where it is a shipped or git-tracked file')
    args = parser.parse_args(argv)
    if args.tabulate:
        if args.configs:
            parser.error('--tabulate prints earlier results: give no configs with it')
        return args
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
    args = parse_args(argv)
    if args.tabulate:
        try:
            by_config = load_results(args.tabulate)
            print_tables(by_config, args.baseline, args.metric)
        except (KeyError, ValueError) as error:
            raise SystemExit(f'error: {error.args[0]}')
        return by_config
    return run_seed_study(args)


if __name__ == '__main__':
    main()
