"""Side-by-side step timing for the benchmark scripts in ``tools/``."""
import argparse
import statistics
import time
from typing import Callable, Dict

import torch

__all__ = ['interleaved_medians', 'cifar_classifier', 'random_cls_batch', 'add_cls_arguments']


def cifar_classifier(depth: int, width: int, channels: int, classes: int) -> dict:
    """Config of an mmpretrain ``ImageClassifier`` on a CIFAR ResNet (``mmkd_ext.CIFARResNet``)."""
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmkd_ext.CIFARResNet', depth=depth, in_channels=channels,
                      base_channels=width),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=classes, in_channels=4 * width))


def random_cls_batch(batch: int, channels: int, size: int, classes: int) -> dict:
    """A data batch as mmpretrain's loaders give it: uint8 images and labelled samples."""
    from mmpretrain.structures import DataSample
    images = torch.randint(0, 256, (batch, channels, size, size), dtype=torch.uint8)
    labels = torch.randint(classes, (batch, ))
    return dict(inputs=list(images), data_samples=[DataSample().set_gt_label(int(y))
                                                   for y in labels])


def add_cls_arguments(parser: argparse.ArgumentParser, batch: int, steps: int) -> None:
    """The input and timing options the classification benchmarks share."""
    parser.add_argument('--batch', type=int, default=batch)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--channels', type=int, default=3)
    parser.add_argument('--classes', type=int, default=100)
    parser.add_argument('--steps', type=int, default=steps)
    parser.add_argument('--warmup', type=int, default=2)


def interleaved_medians(steps: Dict[str, Callable[[], object]], repeats: int, warmup: int = 2,
                        device: str = 'cpu') -> Dict[str, float]:
    """Median seconds of each ``steps[name]()``, the steps run in turn (round robin) so that
    the machine's load changes affect all of them alike; ``warmup`` rounds are not counted.
    ``MMKD_MAX_ITERS`` caps ``repeats``; a terminal shows the rounds done and the time left.
    """
    from .apis.caps import cap_iterations
    from .apis.progress import Progress
    if repeats < 1 or warmup < 0:
        raise ValueError(f'repeats must be >= 1 and warmup >= 0, got {repeats} and {warmup}')
    repeats = cap_iterations(repeats, 'timed rounds')
    cuda = device.startswith('cuda')
    times = {name: [] for name in steps}
    progress = Progress(1, 'timings', transient=True)
    label = f'{len(steps)} steps, round'
    for round_ in range(warmup + repeats):
        progress.update(label, round_, warmup + repeats)
        for name, step in steps.items():
            if cuda:
                torch.cuda.synchronize()
            start = time.perf_counter()
            step()
            if cuda:
                torch.cuda.synchronize()
            if round_ >= warmup:
                times[name].append(time.perf_counter() - start)
    progress.finish_run(label)
    return {name: statistics.median(t) for name, t in times.items()}
