# CPU-scale classification schedule: SGD 0.1 (momentum 0.9, wd 5e-4), 2k iterations with
# cosine decay, validation every 500 iterations, the best top-1 checkpoint kept.
_base_ = '../default_runtime.py'

max_iters = 2000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=500)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=False, T_max=max_iters, eta_min=0)
# the runtime's hooks; checkpoints at each validation, the last and the best top-1 kept
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(
        interval=500, max_keep_ckpts=1, save_last=True, save_best='accuracy/top1',
        rule='greater'))
