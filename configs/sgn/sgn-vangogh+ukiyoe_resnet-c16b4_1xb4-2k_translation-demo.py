# SGN at CPU scale on the demo translation set (`python tools/prepare_data.py translation`):
# s = (photo, vangogh, ukiyoe), the terms of model 3 with two painters: reconstruction of
# the photo (x2) and, per painter, LSGAN + identity (x5). A small generator (16 channels,
# 4 residual blocks) and PatchGANs (16 channels), 64 px crops of images resized to 128 px,
# batch 4, 2k iterations with linear decay over the second half (configs/sgn/README.md).
# The README's 2k-iteration results were measured with the generator's earlier choices,
# kept here so that this config and its checkpoints stay as measured: FC1 as wide as the
# gated channels (gate_reduction=1) and CycleGAN's N(0, 0.02) for the convolutions.
_base_ = ['../_base_/datasets/translation_demo.py', './_base_/sgn_resnet.py']

model = dict(
    generator=dict(base_channels=16, num_blocks=4, gate_reduction=1, init='normal'),
    discriminator=dict(base_channels=16),
    terms=[_base_.model.terms[0],
           *[dict(_base_.model.terms[1], domain=d) for d in ('vangogh', 'ukiyoe')]])

max_iters = 2000
train_cfg = dict(max_iters=max_iters)
param_scheduler = [dict(_base_.decay, begin=max_iters // 2, end=max_iters)]
default_hooks = dict(checkpoint=dict(interval=500, max_keep_ckpts=2), logger=dict(interval=50))
custom_hooks = [
    dict(type='SGNMixGridHook', image='data/translation/photo_test/Chenonceau_background.webp',
         interval=500, size=128)
]
randomness = dict(seed=0)
