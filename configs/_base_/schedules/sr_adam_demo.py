# CPU-scale schedule for the demo data: Adam 5e-4 with cosine decay.
_base_ = '../default_runtime.py'

max_iters = 1000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=5e-4, betas=(0.9, 0.999)))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=False, T_max=max_iters, eta_min=1e-5)
# The runtime's hooks with the checkpoint policy of this schedule.
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(interval=500, max_keep_ckpts=1, save_last=True))
# mmagic's log processor counts the iterations of mmagic's Multi{Val,Test}Loop right.
log_processor = dict(type='mmagic.LogProcessor', window_size=50, by_epoch=False)
