"""Step time of SR feature distillation, measured side by side in one process.

Compares on the same networks, batch and machine (one optimizer step each):
  reference       fp32 teacher no-grad forward (whole network) + student train step
  floor           fp32 teacher forward up to the deepest tap + student train step: the
                  work any feature distillation needs
  mmrazor-fitnet  MMRazor 1.0 SingleTeacherDistill + ConfigurableDistiller, FitNet
                  (1x1 conv connector, L1) on the body output before the upsampler
  fitnet          mmkd_ext FeatureDistill + FitNetLoss, fp32 teacher
  lsfd            mmkd_ext FeatureDistill + LSFDLoss (3x3 regressor, the default local
                  mode, attention)
  lsfd-auto       the same with teacher_precision='auto' (channels-last; bf16 where fast)
  lsfd-fast       the same with the teacher in bf16 autocast + channels_last
The variants are timed in turn (interleaved, round robin) and the median is reported with
ratios to MMRazor's step, to the reference and to the floor. Memory: the bytes each step
keeps for backward (activations saved by autograd), over the floor's. Last, the cost of
the LSFD loss alone (forward + backward) at several feature sizes: time and saved bytes
against the number of positions H*W.

With ``--formats``, only the memory formats: the teacher's no-grad forward and the student's
train step (forward, backward, Adam) in contiguous and channels-last fp32, same weights and
batch, with the largest differences of their outputs, and the whole LSFD step with
``teacher_precision='auto'`` (channels-last teacher) and also ``student_channels_last``
against fp32 contiguous (the demo pair: ``--teacher 32 8 --student 16 4 --batch 8
--lr-size 24``).

    python tools/benchmarks/distill_step.py [--teacher 256 32] [--student 64 16]
        [--scale 4] [--batch 4] [--lr-size 48] [--steps 20] [--warmup 2]
        [--loss-sizes 24 48 96 192] [--loss-only] [--formats]
"""
import argparse

from mmkd_ext.benchmarks.distill_step import run_distill_step


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--teacher', type=int, nargs=2, default=[256, 32],
                        metavar=('CHANNELS', 'BLOCKS'))
    parser.add_argument('--student', type=int, nargs=2, default=[64, 16],
                        metavar=('CHANNELS', 'BLOCKS'))
    parser.add_argument('--scale', type=int, default=4)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--lr-size', type=int, default=48)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--loss-sizes', type=int, nargs='+', default=[24, 48, 96, 192],
                        help='feature sizes for the LSFD loss cost (linear in H*W)')
    parser.add_argument('--loss-only', action='store_true',
                        help='measure only the LSFD loss cost at --loss-sizes')
    parser.add_argument('--formats', action='store_true',
                        help='measure only contiguous vs channels-last (teacher forward, '
                        'student step)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    run_distill_step(parse_args(argv))


if __name__ == '__main__':
    main()
