# SGN (arXiv 1811.12362) shared by the configs of configs/sgn: the sym-gated CycleGAN ResNet
# generator (the official code's gate width C/4 and PyTorch's initialisation), one 70x70
# PatchGAN (mmagic) per adversarial domain, LSGAN, s ~ Dirichlet(0.5),
# a replay pool of 50 (fake, s) pairs per domain; Adam 2e-4, betas (0.5, 0.999) for the
# generator and the discriminators, constant, then linear decay to 0 over the second half.
# Configs set `terms` (one per entry of s) and the data.
_base_ = ['../../_base_/default_runtime.py']

model = dict(
    type='SGN',
    source_domain='photo',
    generator=dict(type='SGNGenerator', base_channels=64, num_blocks=9),
    discriminator=dict(
        type='mmagic.PatchDiscriminator', in_channels=3, base_channels=64, num_conv=3,
        norm_cfg=dict(type='IN'), init_cfg=dict(type='normal', gain=0.02)),
    terms=[
        dict(kind='reconstruction', name='photo', loss_weight=2.0),
        dict(kind='adversarial', domain='vangogh', loss_weight=1.0, identity_weight=5.0),
    ],
    alpha=0.5,
    pool_size=50,
    data_preprocessor=dict(type='mmagic.DataPreprocessor', data_keys=None))

max_iters = 200000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
adam = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(constructor='mmagic.MultiOptimWrapperConstructor', generator=adam,
                     discriminators=adam)
decay = dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False)
param_scheduler = [dict(decay, begin=max_iters // 2, end=max_iters)]

default_hooks = dict(checkpoint=dict(interval=10000), logger=dict(interval=100))
# a mixing grid of the first training photo every 5k iterations (vis_data/vis_image)
custom_hooks = [dict(type='SGNMixGridHook', interval=5000, size=256)]
# `--launcher pytorch`: one DDP per network
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
