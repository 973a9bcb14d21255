"""FEED's step time with K = 1..4 teachers against the work it cannot avoid, side by side.

For each K, on the same networks, batch and machine:
  floor       K teacher forwards under no_grad, up to the tapped feature (fp32), then the
              student's plain mmpretrain train step (CE, its optimizer)
  feed        mmkd_ext.FEED's train step: the same teachers and student, plus one
              translator per teacher and the factor loss
  feed-fast   FEED with the fast-teacher options (bf16 autocast, channels-last teachers)
  trans       the K translators and factor losses alone, forward and backward, on features
              of the tapped shapes: work the method needs that the floor leaves out
All variants are timed in turn (interleaved, round robin); the medians and the ratios
``feed / floor``, ``feed / (floor + trans)`` (what FEED costs beyond the work it needs) and
``feed-fast / floor`` are printed.

The command line: ``tools/benchmarks/feed_step.py``.
"""
import argparse

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from mmkd_ext.benchmark import cifar_classifier, interleaved_medians, random_cls_batch
from mmkd_ext.registry import MODELS


def classifier(args) -> dict:
    return cifar_classifier(args.depth, args.width, args.channels, args.classes)


def sgd(params) -> OptimWrapper:
    return OptimWrapper(torch.optim.SGD(params, lr=0.01, momentum=0.9))


def feed(args, k: int, **options):
    model = MODELS.build(dict(
        type='FEED', student=classifier(args),
        teachers={f't{i}': classifier(args) for i in range(k)},
        feat_loss=dict(type='FactorTransferLoss', reduction='element'), feat_weight=1000.0,
        probe_shape=(args.channels, args.size, args.size), **options))
    model.train()
    return model, sgd([p for p in model.parameters() if p.requires_grad])


def floor_step(args, model, data):
    """The teachers of ``model`` to their taps, then a plain train step of a copy of its
    student with its own optimizer."""
    student = MODELS.build(classifier(args))
    student.load_state_dict(model.student.state_dict())
    student.train()
    optim = sgd(student.parameters())

    def step():
        inputs = student.data_preprocessor(data, True)['inputs']
        with torch.no_grad():
            for name, teacher in model.teachers.items():
                with model._teacher_taps[name].record():
                    teacher.extract_feat(inputs)
        student.train_step(data, optim)

    return step


def translator_step(model, data):
    """FEED's translators and feature losses alone, forward and backward."""
    inputs = model.data_preprocessor(data, True)['inputs']
    with torch.no_grad(), model.student_taps.record() as recorded:
        teacher_feats, _ = model.teacher_forward(inputs)
        model.student.extract_feat(inputs)
    student_feat = recorded[model.student_tap].detach().requires_grad_()

    def step():
        sum(model.feat_loss(translator(student_feat), teacher_feats[name])
            for name, translator in model.translators.items()).backward()

    return step


def run_feed_step(args: argparse.Namespace) -> None:
    """Build, time and print the tables of ``tools/benchmarks/feed_step.py`` for ``args``."""
    init_default_scope('mmkd_ext')
    torch.manual_seed(0)
    data = random_cls_batch(args.batch, args.channels, args.size, args.classes)

    steps = {}
    for k in args.teachers:
        model, optim = feed(args, k)
        steps[f'floor K={k}'] = floor_step(args, model, data)
        steps[f'feed K={k}'] = lambda m=model, o=optim: m.train_step(data, o)
        if not args.no_fast:
            fast, fast_optim = feed(args, k, teacher_precision='bf16', teacher_channels_last=True)
            fast.load_state_dict(model.state_dict())
            steps[f'feed-fast K={k}'] = lambda m=fast, o=fast_optim: m.train_step(data, o)
        steps[f'trans K={k}'] = translator_step(model, data)
    median = interleaved_medians(steps, args.steps, args.warmup)

    print(f'\nCIFAR ResNet-{args.depth} (width {args.width}) student and teachers, batch '
          f'{args.batch}, {args.channels}x{args.size}x{args.size}, {args.classes} classes, '
          f'median of {args.steps} interleaved steps, {torch.get_num_threads()} threads')
    print('| K | floor s | trans s | feed s | feed / floor | feed / (floor + trans) '
          '| feed-fast s | feed-fast / floor |')
    print('|---|---|---|---|---|---|---|---|')
    for k in args.teachers:
        f, t, d = (median[f'{v} K={k}'] for v in ('floor', 'trans', 'feed'))
        q = median.get(f'feed-fast K={k}', float('nan'))
        print(f'| {k} | {f:.3f} | {t:.3f} | {d:.3f} | {d / f:.3f} | {d / (f + t):.3f} '
              f'| {q:.3f} | {q / f:.3f} |')
