# The common CIFAR ResNet recipe, counted in iterations: batch 128, 200 epochs of 391
# iterations (78.2k), SGD 0.1 (momentum 0.9, wd 5e-4), divided by 10 at 50% and 75%.
_base_ = '../default_runtime.py'

max_iters = 78200
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=3910)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=False, milestones=[39100, 58650], gamma=0.1)
# the runtime's hooks; checkpoints at each validation, the last and the best top-1 kept
default_hooks = dict(
    checkpoint=dict(
        interval=3910, max_keep_ckpts=1, save_last=True, save_best='accuracy/top1',
        rule='greater'))
auto_scale_lr = dict(base_batch_size=128)
