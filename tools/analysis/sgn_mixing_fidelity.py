"""How faithfully a trained SGN follows its sym-parameter: a domain classifier's view.

Classifiers trained on real crops score SGN's translations under a grid of mixes; the
measures (Spearman's rho per domain, pure-mix and extrapolation probabilities) are
described in ``mmkd_ext/apis/analysis/sgn_mixing_fidelity.py``.

Example (the numbers of configs/sgn/README.md; the shipped copies are in docs/results/sgn,
which this tool does not overwrite without ``--force``)::

    python tools/analysis/sgn_mixing_fidelity.py \\
        configs/sgn/sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo.py \\
        work_dirs/sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo/iter_2000.pth \\
        --out work_dirs/sgn_fidelity

Several generators (one JSON of the above each), mean +- std of every figure::

    python tools/analysis/sgn_mixing_fidelity.py --combine a.json b.json c.json \\
        --combine-out work_dirs/sgn_fidelity/combined.json
"""
import argparse
import sys
from typing import Optional, Sequence

from mmkd_ext.apis.analysis.sgn_mixing_fidelity import run_combine, run_mixing_fidelity


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Mixing fidelity of a trained SGN, seen by a '
                                     'domain classifier trained on real crops.')
    parser.add_argument('config', nargs='?')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--classifier-cache', metavar='DIR',
                        help='keep the trained classifiers here and reuse them (several '
                        'generators judged by the same classifiers)')
    parser.add_argument('--combine', nargs='+', metavar='JSON',
                        help='instead of measuring: mean +- std over these runs\' JSONs')
    parser.add_argument('--combine-out', help='with --combine: write the table as JSON')
    parser.add_argument('--data', default='data/translation', help='one folder per domain, '
                        'plus <source>_test with the held-out source images')
    parser.add_argument('--size', type=int, default=128, help='shorter side of every image')
    parser.add_argument('--crop', type=int, default=64, help='classifier input size')
    parser.add_argument('--holdout-paintings', type=int, default=2,
                        help='paintings per painter kept from the classifier (last by name)')
    parser.add_argument('--classifier-iters', type=int, default=800)
    parser.add_argument('--step', type=float, default=0.25, help='simplex grid step')
    parser.add_argument('--grid-photos', type=int, default=2, help='rows of the mix grid')
    parser.add_argument('--train-work-dir', help='the SGN run: report its time per iteration '
                        '(null, with a note, when it logged none)')
    parser.add_argument('--out', default='work_dirs/sgn_mixing_fidelity')
    parser.add_argument('--force', action='store_true',
                        help='write even where a file of --out is shipped or git-tracked')
    parser.add_argument('--name', default='sgn_cpu', help='prefix of the files written')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='one classifier per seed; the table gives mean +- std')
    args = parser.parse_args(argv)
    if not args.combine and not (args.config and args.checkpoint):
        parser.error('give a config and a checkpoint, or --combine JSON [JSON ...]')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.combine:
        return run_combine(args.combine, args.combine_out)
    return run_mixing_fidelity(args)


if __name__ == '__main__':
    sys.exit(main())
