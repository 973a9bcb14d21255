"""AFD in a real mmengine Runner: per-key optimizers and schedulers from a config,
validation of every network, checkpoints, and a resume that ends where an uninterrupted
run ends."""
import copy

import torch
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

import mmkd_ext.engine.metrics  # noqa: F401  (configs: custom_imports)
from mmkd_ext.engine.hooks.feature_similarity_hook import FeatureSimilarityHook
from tests.models._classifiers import tiny_classifier, tiny_cls_batch


class MetricsHook(Hook):
    """Keeps the last validation's metrics and the feature similarities logged with them."""

    priority = 'LOW'  # after FeatureSimilarityHook

    def __init__(self):
        self.metrics = {}

    def after_val_epoch(self, runner, metrics=None):
        self.metrics.update(metrics or {})
        self.metrics.update({k: v.current() for k, v in runner.message_hub.log_scalars.items()
                             if k.startswith('val/cka/')})


def dataset(n: int = 8) -> list:
    inputs, samples = tiny_cls_batch(n=n, size=12)
    return [dict(inputs=(255 * x).to(torch.uint8), data_samples=s)
            for x, s in zip(inputs, samples)]


def run(work_dir, max_iters: int, resume_from=None) -> MetricsHook:
    sgd = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)
    adv = dict(type='SGD', lr=0.01, momentum=0.9)  # the adversarial role: no weight decay
    keys = ('net0', 'net1', 'trans0', 'net0_adv', 'net1_adv')
    hook = MetricsHook()
    loader = dict(dataset=dataset(), sampler=dict(type='DefaultSampler', shuffle=True),
                  batch_size=4, num_workers=0)
    runner = Runner(
        model=dict(type='AFD', nets=[tiny_classifier(2), tiny_classifier(4)],
                   probe_shape=(1, 12, 12), adv_weight=0.5),
        work_dir=str(work_dir),
        train_dataloader=loader,
        train_cfg=dict(by_epoch=False, max_iters=max_iters, val_interval=2),
        val_dataloader=dict(loader, sampler=dict(type='DefaultSampler', shuffle=False)),
        val_evaluator=[dict(type='mmpretrain.Accuracy', topk=(1, )),
                       dict(type='PerNetworkAccuracy')],
        val_cfg=dict(type='ValLoop'),
        optim_wrapper=dict(
            constructor='RoleOptimWrapperConstructor',
            **{k: dict(optimizer=adv if k.endswith('_adv') else sgd) for k in keys},
            disc0=dict(optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999))),
            disc1=dict(optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999)))),
            # end=4: the "interrupted" run stops at 2 iterations without changing the schedule
        param_scheduler=dict(disc0=[], disc1=[], **{
            k: dict(type='MultiStepLR', milestones=[3], gamma=0.1, by_epoch=False, end=4)
            for k in keys}),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False,
                                           save_best='best/accuracy/top1', rule='greater'),
                           logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=[hook, FeatureSimilarityHook(max_samples=8)],
        default_scope='mmkd_ext',
        randomness=dict(seed=0, deterministic=True),
        load_from=resume_from,
        resume=resume_from is not None,
        log_level='WARNING')
    runner.train()
    return hook


def state(path) -> dict:
    return _load_checkpoint(str(path), map_location='cpu')


def test_train_validate_checkpoint_and_resume(tmp_path):
    saved = copy.copy(DefaultScope._instance_dict)
    try:
        full = run(tmp_path / 'full', max_iters=4)
        run(tmp_path / 'half', max_iters=2)
        run(tmp_path / 'resumed', max_iters=4, resume_from=str(tmp_path / 'half' / 'iter_2.pth'))
    finally:
        DefaultScope._instance_dict = saved
    assert {'accuracy/top1', 'net0/accuracy/top1', 'net1/accuracy/top1',
            'best/accuracy/top1'} <= set(full.metrics)
    assert full.metrics['best/accuracy/top1'] == max(full.metrics['net0/accuracy/top1'],
                                                     full.metrics['net1/accuracy/top1'])
    assert list((tmp_path / 'full').glob('best_best_accuracy_top1_iter_*.pth'))
    assert 0 < full.metrics['val/cka/net0-net1'] <= 1

    ckpt, resumed = state(tmp_path / 'full' / 'iter_4.pth'), state(
        tmp_path / 'resumed' / 'iter_4.pth')
    assert {k.split('.')[0] for k in ckpt['state_dict']} == {
        'net0', 'net1', 'trans0', 'disc0', 'disc1'}
    assert set(ckpt['optimizer']) == {'net0', 'net1', 'trans0', 'disc0', 'disc1', 'net0_adv',
                                      'net1_adv'}
    for key, value in ckpt['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    assert ckpt['param_schedulers'] == resumed['param_schedulers']
    lr = ckpt['optimizer']['net0']['param_groups'][0]['lr']
    assert abs(lr - 0.005) < 1e-9  # MultiStepLR at iteration 3 of each key
    assert abs(ckpt['optimizer']['net0_adv']['param_groups'][0]['lr'] - 0.001) < 1e-9
    # the roles' own state is saved and resumed: momentum for network 0's parameters
    assert ckpt['optimizer']['net0_adv']['state'] and all(
        torch.equal(s['momentum_buffer'], resumed['optimizer']['net0_adv']['state'][i][
            'momentum_buffer']) for i, s in ckpt['optimizer']['net0_adv']['state'].items())
