# CPU-scale classification schedule: SGD 0.1 (momentum 0.9, wd 5e-4), 2k iterations with
# cosine decay, validation every 500 iterations, the best top-1 checkpoint kept.
_base_ = '../default_runtime.py'

max_iters = 2000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=500)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=False, T_max=max_iters, eta_min=0)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        type='CheckpointHook',
        interval=500,
        by_epoch=False,
        max_keep_ckpts=1,
        save_last=True,
        save_best='accuracy/top1',
        rule='greater'))
