"""Train M students per config over seeds, with and without KD, and measure their variance.

    python tools/analysis/kd_variance.py NOKD.py:KD.py [NOKD.py:KD.py ...] --seeds 0 1 2 \
        --work-dir work_dirs/kd_study [--test-samples N] [--cfg-options k=v ...] [--out r.json]

The ensemble view of KD (arXiv 2009.04120): if KD acts like bagging, students trained with
it from different seeds should disagree less and gain less from averaging. Each (config,
seed) trains once as ``tools/train.py`` does (no validation during training), in this process,
in ``WORK_DIR/<config>/seed<s>``; an interrupted run resumes and a finished one (its
``predictions.npz``) is not repeated. Each trained model then predicts the test split
(the first ``--test-samples`` images when given) as it deploys: a quantization student
fake-quantized, a pruning student with its channels removed. Reported per config:

- top-1 of each seed, mean and sample standard deviation;
- disagreement: the fraction of test images on which two seeds' top-1 differ, averaged
  over the pairs of seeds;
- prediction variance: the variance over seeds of the softmax, summed over classes,
  averaged over images;
- ensemble top-1: the top-1 of the seeds' averaged softmax (gain = ensemble - mean);
- parameters and weight storage of the deployable model before (the float / unpruned
  classifier) and after compression (int8 weights count 1 byte plus one fp32 scale per
  output channel).
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
                        help='passed to every training, e.g. train_cfg.max_iters=2')
    parser.add_argument('--out', default=None, help='write every number as JSON')
    args = parser.parse_args(argv)
    if len(args.seeds) < 2:
        parser.error('--seeds: variance needs at least two seeds')
    return args


def main(argv: Optional[List[str]] = None) -> Dict[str, Dict[str, float]]:
    return run_kd_variance(parse_args(argv))


if __name__ == '__main__':
    main()
