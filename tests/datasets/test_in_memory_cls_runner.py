"""The in-memory Fashion-MNIST bases (fashion_mnist_inmem.py, fashion_mnist_3c.py) under a
real mmengine Runner, against the streaming path (fashion_mnist.py; fashion_mnist_3c.py with
the upstream type), on tiny idx data: the same training batches for the same seed, sampler
and num_workers; seeding; --resume (iteration- and epoch-based); DDP's ranks; and the same
test predictions and accuracy on the same checkpoint."""
import copy
import itertools
import os.path as osp
import re
import shutil
import sys
from typing import List, Tuple

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from tests.models._classifiers import tiny_classifier
from tests.tools._tiny_cls import make_fashion_data
from tests.tools._tiny_sr import dist_train_two, write_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASES = osp.join(REPO, 'configs', '_base_', 'datasets')
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_fashion_data(str(tmp_path_factory.mktemp('fm')), num_train=12, num_test=6)


class Recorder(Hook):
    """The batches each training iteration gets (before the data preprocessor) and the
    predictions of each test iteration."""

    def __init__(self):
        self.batches: List[Tuple[int, torch.Tensor, torch.Tensor]] = []
        self.scores: List[torch.Tensor] = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        inputs = data_batch['inputs']
        inputs = inputs if isinstance(inputs, torch.Tensor) else torch.stack(inputs)
        labels = torch.cat([s.gt_label for s in data_batch['data_samples']])
        self.batches.append((runner.iter, inputs.clone(), labels.clone()))

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.scores.extend(o.pred_score.clone() for o in outputs)


def data_cfg(name: str, data_root: str, num_workers: int = 0, streaming: bool = False) -> dict:
    """A dataset base file with its data_root pointing at ``data_root``; ``streaming``: with
    mmpretrain's type and collate function instead of the in-memory ones."""
    cfg = Config.fromfile(osp.join(BASES, name)).to_dict()
    for key in LOADERS:
        loader = cfg[key]
        loader['dataset'].update(data_root=data_root, serialize_data=False)
        loader.update(batch_size=4, num_workers=num_workers)
        if streaming:
            loader['dataset']['type'] = 'mmpretrain.FashionMNIST'
            loader.pop('collate_fn', None)
    return {k: cfg[k] for k in LOADERS + ('data_preprocessor', 'val_evaluator',
                                         'test_evaluator')}


def run(name: str, data_root: str, work_dir: str, seed: int = 0, max_iters: int = 4,
        num_workers: int = 0, sampler: str = 'InfiniteSampler', by_epoch: bool = False,
        resume_from: str = None, channels: int = 1, streaming: bool = False) -> Recorder:
    cfg = data_cfg(name, data_root, num_workers, streaming)
    cfg['train_dataloader']['sampler'] = dict(type=sampler, shuffle=True)
    model = tiny_classifier(2, backbone=dict(type='mmkd_ext.CIFARResNet', depth=8,
                                             in_channels=channels, base_channels=2))
    model.pop('data_preprocessor')
    loop = (dict(type='EpochBasedTrainLoop', max_epochs=max_iters) if by_epoch else dict(
        type='IterBasedTrainLoop', max_iters=max_iters))
    recorder = Recorder()
    runner = Runner(
        model=model,
        work_dir=work_dir,
        train_dataloader=cfg['train_dataloader'],
        data_preprocessor=cfg['data_preprocessor'],
        train_cfg=loop,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9)),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=2 if not by_epoch else 1,
                            by_epoch=by_epoch),
            logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=[recorder, dict(type='RandomStateHook')],
        randomness=dict(seed=seed),
        load_from=resume_from,
        resume=resume_from is not None,
        default_scope='mmkd_ext',
        log_level='WARNING')
    runner.train()
    return recorder


def assert_same_batches(a: Recorder, b: Recorder) -> None:
    assert [it for it, *_ in a.batches] == [it for it, *_ in b.batches]
    for (it, x, y), (_, x2, y2) in zip(a.batches, b.batches):
        assert x.dtype == x2.dtype == torch.uint8, it
        assert torch.equal(x, x2) and torch.equal(y, y2), f'iteration {it}'


# (streaming base, in-memory base, channels)
PAIRS = dict(gray=('fashion_mnist.py', 'fashion_mnist_inmem.py', 1),
             rgb=('fashion_mnist_3c.py', 'fashion_mnist_3c.py', 3))


@pytest.mark.parametrize('pair, sampler, num_workers', [('gray', 'InfiniteSampler', 0),
                                                        ('gray', 'DefaultSampler', 0),
                                                        ('gray', 'InfiniteSampler', 2),
                                                        ('rgb', 'InfiniteSampler', 0)])
def test_same_batches_as_the_streaming_path(data_root, tmp_path, pair, sampler, num_workers):
    old, new, channels = PAIRS[pair]
    streaming = run(old, data_root, str(tmp_path / 's'), sampler=sampler,
                    num_workers=num_workers, channels=channels, streaming=True)
    inmem = run(new, data_root, str(tmp_path / 'm'), sampler=sampler,
                num_workers=num_workers, channels=channels)
    assert len(inmem.batches) == 4
    assert_same_batches(streaming, inmem)


def test_seeding(data_root, tmp_path):
    first = run('fashion_mnist_inmem.py', data_root, str(tmp_path / 'a'), seed=3, max_iters=2)
    again = run('fashion_mnist_inmem.py', data_root, str(tmp_path / 'b'), seed=3, max_iters=2)
    other = run('fashion_mnist_inmem.py', data_root, str(tmp_path / 'c'), seed=4, max_iters=2)
    assert_same_batches(first, again)
    assert not all(torch.equal(x, x2) for (_, x, _), (_, x2, _) in zip(first.batches,
                                                                       other.batches))


@pytest.mark.parametrize('by_epoch', [False, True])
def test_resume_continues_with_the_uninterrupted_batches(data_root, tmp_path, by_epoch):
    """Iteration-based: mmengine replays the loader up to the resumed iteration. Epoch-based
    (DefaultSampler, 3 iterations an epoch): RandomStateHook sets numpy's state back."""
    sampler = 'DefaultSampler' if by_epoch else 'InfiniteSampler'
    length = 2 if by_epoch else 4
    whole = run('fashion_mnist_inmem.py', data_root, str(tmp_path / 'whole'), sampler=sampler,
                by_epoch=by_epoch, max_iters=length)
    ckpt = tmp_path / 'whole' / ('epoch_1.pth' if by_epoch else 'iter_2.pth')
    resumed = run('fashion_mnist_inmem.py', data_root, str(tmp_path / 'resumed'),
                  sampler=sampler, by_epoch=by_epoch, max_iters=length, resume_from=str(ckpt))
    done = 3 if by_epoch else 2
    assert len(whole.batches) == 2 * done and len(resumed.batches) == done
    assert [it for it, *_ in resumed.batches] == [it for it, *_ in whole.batches[done:]]
    for (_, x, y), (_, x2, y2) in zip(whole.batches[done:], resumed.batches):
        assert torch.equal(x, x2) and torch.equal(y, y2)


@pytest.mark.parametrize('sampler', ['InfiniteSampler', 'DefaultSampler'])
def test_ddp_ranks_split_the_data_as_in_the_streaming_path(data_root, monkeypatch, sampler):
    """Two ranks' samplers (mmengine reads the rank when a sampler is built): disjoint
    halves of an epoch, and the streaming path's batches on each rank."""
    import mmengine.dataset.sampler as samplers
    init_default_scope('mmkd_ext')
    seen = []
    for rank in (0, 1):
        monkeypatch.setattr(samplers, 'get_dist_info', lambda rank=rank: (rank, 2))
        batches = []
        for name in ('fashion_mnist.py', 'fashion_mnist_inmem.py'):
            loader_cfg = data_cfg(name, data_root)['train_dataloader']
            loader_cfg.update(batch_size=3, sampler=dict(type=sampler, shuffle=True))
            loader = Runner.build_dataloader(copy.deepcopy(loader_cfg), seed=0)
            assert len(loader.dataset) == 12
            np.random.seed(rank)
            batches.append([next(it) for it in [iter(loader)] for _ in range(2)])
            fresh = type(loader.sampler)(loader.dataset, shuffle=True, seed=0)
            seen.append(list(itertools.islice(iter(fresh), 6)))
        for old, new in zip(*batches):
            assert torch.equal(torch.stack(old['inputs']), new['inputs'])
    assert seen[0] == seen[1] and seen[2] == seen[3]  # the same indices on both paths
    assert sorted(seen[0] + seen[2]) == list(range(12))


@pytest.mark.skipif(shutil.which('torchrun', path=osp.dirname(sys.executable)) is None,
                    reason='torchrun is not installed')
def test_two_process_ddp_training(data_root, tmp_path, monkeypatch):
    cfg = data_cfg('fashion_mnist_inmem.py', data_root)
    model = tiny_classifier(2)
    model.pop('data_preprocessor')
    cfg.update(
        default_scope='mmkd_ext',
        model=model,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2),
        val_cfg=dict(type='ValLoop'),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1),
                           checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False)),
        log_processor=dict(by_epoch=False),
        env_cfg=dict(dist_cfg=dict(backend='nccl')),
        randomness=dict(seed=0))
    for key in ('test_dataloader', 'test_evaluator'):
        cfg.pop(key)
    config = write_config(str(tmp_path / 'inmem_ddp.py'), cfg)
    log = dist_train_two(config, str(tmp_path / 'work'), monkeypatch)
    assert re.search(r'Iter\(train\) \[2/2\].*loss: [\d.]+', log), log
    # 6 test images: 3 on each rank, one batch of 4
    assert re.search(r'Iter\(val\) \[1/1\].*accuracy/top1: [\d.]+', log), log


@pytest.mark.parametrize('pair', ['gray', 'rgb'])
def test_same_predictions_and_accuracy_on_the_same_checkpoint(data_root, tmp_path, pair):
    old, new, channels = PAIRS[pair]
    model = tiny_classifier(2, backbone=dict(type='mmkd_ext.CIFARResNet', depth=8,
                                             in_channels=channels, base_channels=2))
    model.pop('data_preprocessor')
    # a briefly trained checkpoint, so that the predictions differ between images
    run(new, data_root, str(tmp_path / 'train'), channels=channels)
    ckpt = str(tmp_path / 'train' / 'iter_4.pth')
    results = []
    for name, streaming in ((old, True), (new, False)):
        cfg = data_cfg(name, data_root, streaming=streaming)
        recorder = Recorder()
        runner = Runner(model=model, work_dir=str(tmp_path / str(streaming)), load_from=ckpt,
                        data_preprocessor=cfg['data_preprocessor'],
                        test_dataloader=cfg['test_dataloader'], test_cfg=dict(),
                        test_evaluator=cfg['test_evaluator'], custom_hooks=[recorder],
                        default_scope='mmkd_ext', log_level='WARNING')
        results.append((runner.test(), torch.stack(recorder.scores)))
    (old_metrics, old_scores), (new_metrics, new_scores) = results
    assert old_scores.shape == (6, 10) and torch.equal(old_scores, new_scores)
    assert old_metrics == new_metrics and 'accuracy/top1' in new_metrics
    assert len(set(old_scores.argmax(1).tolist())) > 1 or old_scores.std(0).sum() > 0
