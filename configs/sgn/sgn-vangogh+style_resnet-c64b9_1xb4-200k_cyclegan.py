# SGN model 1 (arXiv 1811.12362): one generator mixes n = 3 terms, s = (photo, vangogh, style):
# reconstruction of the photo (2 |G(x, s) - x|), LSGAN towards Van Gogh's paintings with a
# 70x70 PatchGAN plus identity (5 |G(x_vg, s) - x_vg|), and perceptual style transfer towards
# one style image (VGG16 content at relu2_2 x 1e-3, Gram style at relu1_2..relu4_3).
# Training s ~ Dirichlet(0.5); Adam 2e-4, betas (0.5, 0.999), batch 4, 256 crops, constant
# rate then linear decay to 0 over the second half. The length (200k iterations) is this
# package's choice. Give the VGG16 weights and the style image before training (README).
_base_ = ['../_base_/datasets/translation_cyclegan.py', '../_base_/default_runtime.py']

model = dict(
    type='SGN',
    source_domain='photo',
    generator=dict(type='SGNGenerator', base_channels=64, num_blocks=9),
    discriminator=dict(
        type='mmagic.PatchDiscriminator', in_channels=3, base_channels=64, num_conv=3,
        norm_cfg=dict(type='IN'), init_cfg=dict(type='normal', gain=0.02)),
    gan_loss=dict(type='mmagic.GANLoss', gan_type='lsgan'),
    terms=[
        dict(kind='reconstruction', name='photo', loss_weight=2.0),
        dict(kind='adversarial', domain='vangogh', loss_weight=1.0, identity_weight=5.0),
        dict(kind='style', name='style', loss=dict(
            type='PerceptualStyleLoss',
            style_image='data/cyclegan/style.jpg',
            vgg_checkpoint='checkpoints/vgg16_torchvision.pth',
            content_layer='relu2_2', content_weight=1e-3,
            style_layers=('relu1_2', 'relu2_2', 'relu3_3', 'relu4_3'),
            style_weights=(1e1, 1e2, 1e3, 5e2))),
    ],
    alpha=0.5,
    pool_size=50,
    data_preprocessor=dict(type='mmagic.DataPreprocessor', data_keys=None))

max_iters = 200000
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
adam = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(constructor='mmagic.MultiOptimWrapperConstructor', generator=adam,
                     discriminators=adam)
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0, end_factor=0.0, by_epoch=False,
         begin=max_iters // 2, end=max_iters)
]

default_hooks = dict(checkpoint=dict(interval=10000), logger=dict(interval=100))
# a mixing grid of the first training photo every 5k iterations (vis_data/vis_image)
custom_hooks = [dict(type='SGNMixGridHook', interval=5000, size=256)]
# `--launcher pytorch`: one DDP per network
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
