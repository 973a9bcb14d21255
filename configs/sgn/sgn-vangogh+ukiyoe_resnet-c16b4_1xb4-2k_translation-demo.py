# SGN at CPU scale on the demo translation set (`python tools/prepare_data.py translation`):
# s = (photo, vangogh, ukiyoe); reconstruction of the photo (x2) and LSGAN towards each
# painter's prints with identity (x5), as in the paper's model 3, on a small generator
# (16 channels, 4 residual blocks) and PatchGAN (16 channels), 64 px crops of images
# resized to 128 px. Adam 2e-4, betas (0.5, 0.999), batch 4; linear decay over the second
# half. Sized for about 30 minutes on one CPU thread (configs/sgn/README.md).
_base_ = ['../_base_/datasets/translation_demo.py', '../_base_/default_runtime.py']

model = dict(
    type='SGN',
    source_domain='photo',
    generator=dict(type='SGNGenerator', base_channels=16, num_blocks=4),
    discriminator=dict(
        type='mmagic.PatchDiscriminator', in_channels=3, base_channels=16, num_conv=3,
        norm_cfg=dict(type='IN'), init_cfg=dict(type='normal', gain=0.02)),
    gan_loss=dict(type='mmagic.GANLoss', gan_type='lsgan'),
    terms=[
        dict(kind='reconstruction', name='photo', loss_weight=2.0),
        dict(kind='adversarial', domain='vangogh', loss_weight=1.0, identity_weight=5.0),
        dict(kind='adversarial', domain='ukiyoe', loss_weight=1.0, identity_weight=5.0),
    ],
    alpha=0.5,
    pool_size=50,
    data_preprocessor=dict(type='mmagic.DataPreprocessor', data_keys=None))

max_iters = 2000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
adam = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(constructor='mmagic.MultiOptimWrapperConstructor', generator=adam,
                     discriminators=adam)
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False,
         begin=max_iters // 2, end=max_iters)
]

default_hooks = dict(checkpoint=dict(interval=500, max_keep_ckpts=2), logger=dict(interval=50))
custom_hooks = [
    dict(type='SGNMixGridHook', image='data/translation/photo_test/Chenonceau_background.webp',
         interval=500, size=128)
]
randomness = dict(seed=0)
