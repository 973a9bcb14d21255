"""Train an SGN config's generator on the reconstruction term alone (s = the source domain)
and print its PSNR on the held-out photos: can the architecture carry a photo through?

    python tools/analysis/sgn_reconstruction_probe.py \\
        configs/sgn/sgn-vangogh+ukiyoe_resnet-c16b6_1xb4-8k_translation-demo.py \\
        --iters 2000 --lr 1e-3 --cfg-options model.generator.upsample=nearest

The measure is described in ``mmkd_ext/apis/analysis/sgn_reconstruction_probe.py``.
"""
import argparse
from typing import Optional, Sequence

from mmengine.config import DictAction

from mmkd_ext.apis.analysis.sgn_reconstruction_probe import run_reconstruction_probe


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='an SGN config (its model.generator and terms)')
    parser.add_argument('--data', default='data/translation', help='<source>/ with the '
                        'training photos and <source>_test/ with the held-out ones')
    parser.add_argument('--size', type=int, default=128, help='shorter side of every image')
    parser.add_argument('--crop', type=int, default=64, help='training crop size')
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. model.generator.upsample=nearest')
    parser.add_argument('--out', help='write the curve as JSON')
    args = parser.parse_args(argv)
    for name in ('iters', 'crop', 'size'):
        if getattr(args, name) < 1:
            parser.error(f'--{name} must be >= 1, got {getattr(args, name)}')
    if args.crop > args.size:
        parser.error(f'--crop {args.crop} is larger than --size {args.size}')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    run_reconstruction_probe(parse_args(argv))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
