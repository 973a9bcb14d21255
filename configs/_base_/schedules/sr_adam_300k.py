# The field's EDSR schedule: Adam 1e-4, 300k iterations, halved at 200k.
_base_ = '../default_runtime.py'

train_cfg = dict(type='IterBasedTrainLoop', max_iters=300000, val_interval=5000)
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999)))
param_scheduler = dict(type='MultiStepLR', by_epoch=False, milestones=[200000], gamma=0.5)
# The runtime's hooks (a checkpoint every 5k iterations, 3 kept) keeping the best PSNR too.
default_hooks = dict(checkpoint=dict(interval=5000, save_best='PSNR', rule='greater'))
# mmagic's log processor counts the iterations of mmagic's Multi{Val,Test}Loop right.
log_processor = dict(type='mmagic.LogProcessor', window_size=50, by_epoch=False)
