"""Side-by-side step timing for the benchmark scripts in ``tools/``."""
import statistics
import time
from typing import Callable, Dict

import torch

__all__ = ['interleaved_medians']


def interleaved_medians(steps: Dict[str, Callable[[], object]], repeats: int, warmup: int = 2,
                        device: str = 'cpu') -> Dict[str, float]:
    """Median seconds of each ``steps[name]()``, the steps run in turn (round robin) so that
    the machine's load changes affect all of them alike; ``warmup`` rounds are not counted.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f'repeats must be >= 1 and warmup >= 0, got {repeats} and {warmup}')
    cuda = device.startswith('cuda')
    times = {name: [] for name in steps}
    for round_ in range(warmup + repeats):
        for name, step in steps.items():
            if cuda:
                torch.cuda.synchronize()
            start = time.perf_counter()
            step()
            if cuda:
                torch.cuda.synchronize()
            if round_ >= warmup:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}
