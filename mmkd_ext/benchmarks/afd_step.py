"""Step time of AFD and its baselines against the K networks' own train steps, side by side.

Compares on the same networks, batch and machine:
  reference   each network's plain mmpretrain train step (CE, its own optimizer), in turn
  afd-ind     AFD with feature_mode='none', dml_weight=0 (independent training)
  afd-dml     feature_mode='none' (DML)
  afd-l1      feature_mode='l1'
  afd         feature_mode='adversarial'
  afd-fused   feature_mode='adversarial', fused=True (one forward and one step per network)
Each variant's step is timed in turn (round robin) and the median is reported with its
ratio to the reference. The networks are CIFAR ResNets (``--depths``, ``--widths``).

The command line: ``tools/benchmarks/afd_step.py``.
"""
import argparse

import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.registry import init_default_scope

import mmkd_ext.models  # noqa: F401  (registers AFD)
from mmkd_ext.benchmark import cifar_classifier, interleaved_medians, random_cls_batch
from mmkd_ext.registry import MODELS

VARIANTS = dict(reference=None, **{
    'afd-ind': dict(feature_mode='none', dml_weight=0.0),
    'afd-dml': dict(feature_mode='none'),
    'afd-l1': dict(feature_mode='l1'),
    'afd': dict(feature_mode='adversarial'),
    'afd-fused': dict(feature_mode='adversarial', fused=True),
})


def classifier(args, depth: int, width: int) -> dict:
    return cifar_classifier(depth, width, args.channels, args.classes)


def sgd(module: torch.nn.Module) -> OptimWrapper:
    return OptimWrapper(torch.optim.SGD(module.parameters(), lr=0.01, momentum=0.9))


def build(args, name: str):
    """(step function, model) of one variant."""
    nets = [classifier(args, d, w) for d, w in zip(args.depths, args.widths)]
    if VARIANTS[name] is None:
        models = [MODELS.build(cfg).to(args.device) for cfg in nets]
        wrappers = [sgd(m) for m in models]

        def step(data):
            for model, wrapper in zip(models, wrappers):
                model.train_step(data, wrapper)

        return step
    model = MODELS.build(dict(type='AFD', nets=nets, probe_shape=(args.channels, args.size,
                                                                  args.size), **VARIANTS[name]))
    model.to(args.device)
    wrappers = OptimWrapperDict(**{key: sgd(getattr(model, module))
                                   for key, module in model.optim_modules().items()})
    return lambda data: model.train_step(data, wrappers)


def run_afd_step(args: argparse.Namespace) -> None:
    """Build, time and print the tables of ``tools/benchmarks/afd_step.py`` for ``args``."""
    init_default_scope('mmkd_ext')
    torch.manual_seed(0)
    data = random_cls_batch(args.batch, args.channels, args.size, args.classes)
    steps = {name: build(args, name) for name in VARIANTS}
    median = interleaved_medians({n: (lambda step=step: step(data)) for n, step in steps.items()},
                                 args.steps, args.warmup, args.device)
    nets = ' + '.join(f'ResNet-{d} (w{w})' for d, w in zip(args.depths, args.widths))
    print(f'\n{nets}, batch {args.batch}, {args.channels}x{args.size}x{args.size}, '
          f'{args.device}, median of {args.steps} steps')
    print(f'| {"variant":<9} | {"s/step":>7} | {"/ reference":>11} |')
    print('|-----------|---------|-------------|')
    for name in VARIANTS:
        print(f'| {name:<9} | {median[name]:7.3f} | {median[name] / median["reference"]:11.2f} |')
    print(f'afd-fused / afd: {median["afd-fused"] / median["afd"]:.2f}')
