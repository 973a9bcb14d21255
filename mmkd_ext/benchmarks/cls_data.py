"""The classification data path, streaming against in-memory, side by side.

For a training config (model, optimizer, batch size) and two dataset base files (by default
the per-sample Fashion-MNIST path and its in-memory twin) it measures, on this machine:
  - the data path alone: images/s of the train loader, and of the loader plus the model's
    data preprocessor;
  - a full training step: the time spent waiting for the loader and in ``train_step`` per
    iteration (the runner's ``data_time`` and ``time - data_time``), and their ratio.
The two paths run in turn, ``rounds`` times, each round on a fresh loader iterator (its
workers started and warmed up untimed), so that load changes affect both alike.
"""
import argparse
import copy
import os.path as osp
import time
from typing import Dict, List, Optional

import numpy as np
import torch

__all__ = ['DataPath', 'measure_data_paths', 'format_data_paths', 'run_cls_data']

LOADERS = ('train_dataloader', )


class DataPath:
    """One train loader config with the data preprocessor of its base file; ``data_root``,
    ``num_workers`` and the dataset's ``dataset_type`` (e.g. ``mmpretrain.FashionMNIST``,
    the streaming path of an in-memory base) override the file's."""

    def __init__(self, name: str, data_file: str, batch_size: int,
                 data_root: Optional[str] = None, num_workers: Optional[int] = None,
                 dataset_type: Optional[str] = None):
        from mmengine.config import Config
        data = Config.fromfile(data_file)
        self.name, self.data_file = name, data_file
        self.loader_cfg = copy.deepcopy(data.train_dataloader.to_dict())
        self.loader_cfg['batch_size'] = batch_size
        if num_workers is not None:
            self.loader_cfg['num_workers'] = num_workers
        if data_root is not None:
            self.loader_cfg['dataset']['data_root'] = data_root
        if dataset_type is not None:
            self.loader_cfg['dataset']['type'] = dataset_type
        root = self.loader_cfg['dataset'].get('data_root')
        if root and not osp.isdir(root):
            raise FileNotFoundError(f'{name}: data_root {root} (from {data_file}) not found; '
                                    'run `python tools/prepare_data.py cls` or pass --data-root')
        self.num_workers = self.loader_cfg.get('num_workers', 0)
        self.preprocessor_cfg = data.data_preprocessor.to_dict()

    def loader(self, seed: int):
        from mmengine.runner import Runner
        return Runner.build_dataloader(copy.deepcopy(self.loader_cfg), seed=seed)


def _throughput(path: DataPath, preprocessor, batches: int, warmup: int,
                seed: int) -> Dict[str, float]:
    batch_size = path.loader_cfg['batch_size']
    it = iter(path.loader(seed))
    for _ in range(warmup):
        next(it)
    load = prep = 0.
    for _ in range(batches):
        start = time.perf_counter()
        data = next(it)
        middle = time.perf_counter()
        preprocessor(data, True)
        load += middle - start
        prep += time.perf_counter() - middle
    del it
    images = batches * batch_size
    return dict(loader_ips=images / load, data_ips=images / (load + prep))


def _train(path: DataPath, model, optim_wrapper, steps: int, warmup: int,
           seed: int) -> List[float]:
    it = iter(path.loader(seed))
    for _ in range(warmup):
        model.train_step(next(it), optim_wrapper)
    data_time = step_time = 0.
    for _ in range(steps):
        start = time.perf_counter()
        batch = next(it)
        middle = time.perf_counter()
        model.train_step(batch, optim_wrapper)
        data_time += middle - start
        step_time += time.perf_counter() - middle
    del it
    return [data_time, step_time]


def measure_data_paths(config: str, paths: List[DataPath], batches: int = 50, steps: int = 40,
                       warmup: int = 3, rounds: int = 2, seed: int = 0) -> dict:
    """Images/s of each path's loader (+ preprocessor) and its share of a training step.

    Args:
        config (str): A training config with a single-optimizer model that builds alone
            (e.g. ``configs/feed/resnet8-w8_1xb64-1k_fashion-mnist.py``).
        paths (list[DataPath]): The data paths to compare.
        batches (int): Timed batches per path and round, data path alone. Defaults to 50.
        steps (int): Timed training iterations per path and round. Defaults to 40.
        warmup (int): Untimed batches / iterations at the start of each. Defaults to 3.
        rounds (int): Times each path is measured, in turn. Defaults to 2.
        seed (int): Seed of the samplers and workers. Defaults to 0.

    Returns:
        dict: ``model``, ``threads`` and per path name ``loader_ips``, ``data_ips`` (means
        over rounds), ``data_s``, ``step_s`` (per iteration) and ``data_fraction``.
    """
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope

    from mmkd_ext.registry import MODELS
    if min(batches, steps, rounds) < 1 or warmup < 0:
        raise ValueError(f'batches, steps and rounds must be >= 1 and warmup >= 0, got '
                         f'{batches}, {steps}, {rounds} and {warmup}')
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmkd_ext'))
    torch.manual_seed(seed)
    np.random.seed(seed)
    model_cfg = copy.deepcopy(cfg.model.to_dict())
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg)
    model.train()
    optim_wrapper = build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))
    preprocessors = {p.name: MODELS.build(dict(type='mmpretrain.ClsDataPreprocessor',
                                               **p.preprocessor_cfg)) for p in paths}
    flow = {p.name: [] for p in paths}
    train = {p.name: [0., 0.] for p in paths}
    for _ in range(rounds):
        for path in paths:
            flow[path.name].append(_throughput(path, preprocessors[path.name], batches, warmup,
                                               seed))
        for path in paths:
            data_s, step_s = _train(path, model, optim_wrapper, steps, warmup, seed)
            train[path.name][0] += data_s
            train[path.name][1] += step_s
    results = dict(model=cfg.model.get('type'), threads=torch.get_num_threads(), paths={})
    for path in paths:
        data_s, step_s = (t / (rounds * steps) for t in train[path.name])
        results['paths'][path.name] = dict(
            data_file=path.data_file,
            num_workers=path.num_workers,
            batch_size=path.loader_cfg['batch_size'],
            loader_ips=float(np.mean([f['loader_ips'] for f in flow[path.name]])),
            data_ips=float(np.mean([f['data_ips'] for f in flow[path.name]])),
            data_s=data_s,
            step_s=step_s,
            data_fraction=data_s / (data_s + step_s))
    return results


def format_data_paths(results: dict, config: str) -> str:
    """A markdown table of :func:`measure_data_paths`' results, one row per path."""
    paths = results['paths']
    batch = next(iter(paths.values()))['batch_size']
    lines = [
        f'{config}: batch {batch}, cpu, {results["threads"]} torch thread(s)',
        '| path | workers | loader img/s | + preprocessor img/s | data s/it | step s/it '
        '| data / iteration | train img/s |',
        '|---|---|---|---|---|---|---|---|',
    ]
    for name, r in paths.items():
        lines.append(f'| {name} | {r["num_workers"]} | {r["loader_ips"]:.0f} | '
                     f'{r["data_ips"]:.0f} | {r["data_s"]:.4f} | {r["step_s"]:.4f} | '
                     f'{100 * r["data_fraction"]:.1f} % | '
                     f'{r["batch_size"] / (r["data_s"] + r["step_s"]):.0f} |')
    names = list(paths)
    if len(names) == 2:
        a, b = paths[names[0]], paths[names[1]]
        speedup = (a['data_s'] + a['step_s']) / (b['data_s'] + b['step_s'])
        lines.append(f'{names[1]} / {names[0]}: data path {b["data_ips"] / a["data_ips"]:.1f} x '
                     f'images/s, training {speedup:.2f} x images/s')
    return '\n'.join(lines)


def run_cls_data(args: argparse.Namespace) -> None:
    """Measure and print the table of ``tools/benchmarks/cls_data.py`` for ``args``: the
    streaming path (``old_*`` arguments) against the in-memory one (``new_*``)."""
    paths = [DataPath('streaming', args.old_data, args.batch, args.data_root, args.old_workers,
                      args.old_type),
             DataPath('in-memory', args.new_data, args.batch, args.data_root, args.new_workers)]
    results = measure_data_paths(args.config, paths, args.batches, args.steps, args.warmup,
                                 args.rounds)
    print(format_data_paths(results, args.config))
