"""Train M students per config over seeds, with and without KD, and measure their variance.

    python tools/analysis/kd_variance.py NOKD.py:KD.py [NOKD.py:KD.py ...] --seeds 0 1 2 \
        --work-dir work_dirs/kd_study [--test-samples N] [--cfg-options k=v ...] [--out r.json]

Top-1 per seed, disagreement, prediction variance, ensemble top-1 and the deployable
model's size, per config; what is trained and how each number is computed:
``mmkd_ext/apis/analysis/kd_variance.py``. A finished (config, seed) is not trained again,
an interrupted one resumes. Paths are relative to the current directory; the terminal shows
the progress, each run's full log is ``WORK_DIR/<config>/seed<s>/train.out``.
"""
import argparse
from typing import Dict, List, Optional

from mmkd_ext.apis.analysis.kd_variance import run_kd_variance


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pairs', nargs='+', help='NOKD_CONFIG:KD_CONFIG (or one config)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/kd_variance')
    parser.add_argument('--test-samples', type=int, default=None,
                        help='evaluate on the first N test images (default: all)')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed to every training, e.g. train_cfg.max_iters=2 '
                        '(train_cfg.max_epochs=1 for the epoch-based LSQ configs)')
    parser.add_argument('--out', default=None, help='write every number as JSON')
    parser.add_argument('--force', action='store_true',
                        help='write --out even where it is a shipped or git-tracked file')
    args = parser.parse_args(argv)
    if len(args.seeds) < 2:
        parser.error('--seeds: variance needs at least two seeds')
    return args


def main(argv: Optional[List[str]] = None) -> Dict[str, Dict[str, float]]:
    return run_kd_variance(parse_args(argv))


if __name__ == '__main__':
    main()
