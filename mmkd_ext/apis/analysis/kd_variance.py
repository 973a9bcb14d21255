"""Train M students per config over seeds, with and without KD, and measure their variance
(``tools/analysis/kd_variance.py``).

The ensemble view of KD (arXiv 2009.04120): if KD acts like bagging, students trained with
it from different seeds should disagree less and gain less from averaging. Each (config,
seed) trains once with :func:`mmkd_ext.apis.train.run_train` (no validation), in this process,
from the current directory, in ``WORK_DIR/<config>/seed<s>``; an interrupted run resumes and
a finished one (its ``predictions.npz``) is not repeated. The terminal shows the progress
(runs done, the current run's iterations, the time left); each run's full log is its
``train.out``. Each trained model then predicts the test split
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
import contextlib
import itertools
import os
import os.path as osp
import statistics
import time
from typing import Dict, Optional, Sequence

import numpy as np
import torch

from ..caps import cap_seeds
from ..paths import refuse_protected_outputs, write_json
from ..progress import Progress, ProgressHook
from ..train import parse_cfg_options, run_train, train_args

__all__ = ['run_kd_variance', 'summarise', 'table', 'run_dir', 'train', 'load_trained',
           'predict']


def run_dir(work_dir: str, config: str, seed: int) -> str:
    return osp.join(work_dir, osp.splitext(osp.basename(config))[0], f'seed{seed}')


def train(config: str, seed: int, work_dir: str, cfg_options: Sequence[str],
          hooks: Sequence = ()) -> float:
    """Train as ``tools/train.py`` does, in this process (resuming a started run), with the
    extra ``hooks``; seconds taken."""
    resume = 'auto' if osp.exists(osp.join(work_dir, 'last_checkpoint')) else None
    options = parse_cfg_options([f'randomness.seed={seed}', *cfg_options])
    start = time.time()
    run_train(train_args(config, work_dir=work_dir, no_validate=True, resume=resume,
                         cfg_options=options), hooks=hooks)
    return time.time() - start


def load_trained(config: str, work_dir: str, cfg_options: Sequence[str]):
    """The trained model of a run (from its last checkpoint) and its config."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint

    from ...registry import MODELS
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(parse_cfg_options(cfg_options))
    init_default_scope(cfg.get('default_scope', 'mmkd_ext'))
    model_cfg = cfg.model.to_dict() if hasattr(cfg.model, 'to_dict') else dict(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor.to_dict())
    model = MODELS.build(model_cfg)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True, logger='silent')
    return model.eval(), cfg


def student_of(model: torch.nn.Module) -> torch.nn.Module:
    return getattr(model, 'student', model)


@torch.no_grad()
def predict(model, cfg, test_samples: Optional[int]) -> Dict[str, np.ndarray]:
    """Softmax scores and labels of the test split, and the model's sizes."""
    from mmengine.runner import Runner

    from ...models.algorithms.kd_students import (
        classifier_of,
        deploy_model,
        is_quantized,
        model_size,
    )
    student = student_of(model)
    if is_quantized(student):
        from mmrazor.models.fake_quants import enable_val
        model.apply(enable_val)  # fake quantization on, step sizes and observers frozen
    loader_cfg = cfg.test_dataloader.to_dict()
    loader_cfg['num_workers'], loader_cfg['persistent_workers'] = 0, False
    if test_samples:
        loader_cfg['dataset']['indices'] = test_samples
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    scores, labels = [], []
    for batch in loader:
        for sample in model.val_step(batch):
            scores.append(sample.pred_score.float().numpy())
            labels.append(int(sample.gt_label))
    deployed, meta = deploy_model(student)
    w_bit = meta.get('w_bit') if is_quantized(student) else None
    before, after = model_size(classifier_of(student)), model_size(deployed, w_bit)
    return dict(scores=np.stack(scores), labels=np.array(labels),
                params_before=before['params'], kb_before=before['size_kb'],
                params_after=after['params'], kb_after=after['size_kb'])


def run(config: str, seed: int, args, progress: Optional[Progress] = None
        ) -> Dict[str, np.ndarray]:
    """Train, reload and evaluate one seed of ``config`` (unless done); its predictions.
    The training's log goes to the run's ``train.out``, its iterations to ``progress``."""
    work_dir = run_dir(args.work_dir, config, seed)
    done = osp.join(work_dir, 'predictions.npz')
    label = f'{osp.splitext(osp.basename(config))[0]} seed {seed}'
    if progress is not None:
        progress.start_run(label)
    if not osp.exists(done):
        os.makedirs(work_dir, exist_ok=True)
        hooks = [] if progress is None else [
            ProgressHook(callback=lambda i, n: progress.update(label, i, n))]
        with open(osp.join(work_dir, 'train.out'), 'a') as log, \
                contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            try:
                seconds = train(config, seed, work_dir, args.cfg_options, hooks)
                model, cfg = load_trained(config, work_dir, args.cfg_options)
                result = predict(model, cfg, args.test_samples)
            except BaseException:
                if progress is not None:
                    progress.finish_run(label, ok=False, note=f'see {work_dir}/train.out')
                raise
        np.savez(done, seconds=seconds, **result)
    with np.load(done) as data:
        result = {k: data[k] for k in data.files}
    if progress is not None:
        top1 = 100 * float((result['scores'].argmax(1) == result['labels']).mean())
        progress.finish_run(label, note=f'top-1 {top1:.2f}')
    return result


def summarise(runs: Sequence[Dict[str, np.ndarray]]) -> Dict[str, float]:
    """Accuracy over seeds, their disagreement, prediction variance and ensemble top-1."""
    labels = runs[0]['labels']
    if any(not np.array_equal(r['labels'], labels) for r in runs):
        raise ValueError('the runs were evaluated on different test images')
    preds = [r['scores'].argmax(1) for r in runs]
    accs = [100 * float((p == labels).mean()) for p in preds]
    disagree = [100 * float((a != b).mean()) for a, b in itertools.combinations(preds, 2)]
    scores = np.stack([r['scores'] for r in runs])
    ensemble = 100 * float((scores.mean(0).argmax(1) == labels).mean())
    return dict(
        top1=statistics.mean(accs), top1_std=statistics.stdev(accs), top1_seeds=accs,
        disagreement=statistics.mean(disagree),
        variance=float(scores.var(0, ddof=1).sum(1).mean()),
        ensemble_top1=ensemble, ensemble_gain=ensemble - statistics.mean(accs),
        params_before=int(runs[0]['params_before']), params_after=int(runs[0]['params_after']),
        kb_before=float(runs[0]['kb_before']), kb_after=float(runs[0]['kb_after']),
        train_seconds=statistics.mean(float(r['seconds']) for r in runs),
        test_images=int(len(labels)))


def table(results: Dict[str, Dict[str, float]]) -> str:
    head = ('| config | top-1 mean +- std | disagreement % | pred. variance | ensemble top-1 '
            '| params before -> after | weights KB before -> after | train s |')
    lines = [head, '|---|---|---|---|---|---|---|---|']
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['top1']:.2f} +- {r['top1_std']:.2f} | {r['disagreement']:.2f} "
            f"| {r['variance']:.4f} | {r['ensemble_top1']:.2f} ({r['ensemble_gain']:+.2f}) "
            f"| {r['params_before']:,} -> {r['params_after']:,} "
            f"| {r['kb_before']:.1f} -> {r['kb_after']:.1f} | {r['train_seconds']:.0f} |")
    return '\n'.join(lines)


def run_kd_variance(args: argparse.Namespace) -> Dict[str, Dict[str, float]]:
    """Train, evaluate and compare as ``tools/analysis/kd_variance.py`` does, from the
    current directory; returns the numbers of each config (also written to ``args.out``)."""
    if args.out:
        refuse_protected_outputs([args.out], getattr(args, 'force', False))
    configs = [c for pair in args.pairs for c in pair.split(':') if c]
    seeds = cap_seeds(args.seeds, minimum=2)
    progress = Progress(len(configs) * len(seeds), 'runs')
    results = {}
    for config in configs:
        runs = [run(config, seed, args, progress) for seed in seeds]
        results[osp.splitext(osp.basename(config))[0]] = summarise(runs)
    progress.close(f'work dirs under {args.work_dir}')
    print('\n' + table(results))
    if args.out:
        write_json(args.out, results, indent=1)
        print(f'every number: {args.out}')
    return results
