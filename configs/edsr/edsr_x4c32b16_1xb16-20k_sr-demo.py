# The CPU-scale EDSR teacher of the super-resolution study (16 blocks x 32 channels, x4) on
# the package data: batch 16 of 32x32 LR patches (128x128 HR), Adam 4e-4 with a 500-iteration
# warm-up and cosine decay over 20k iterations, validated on bench14 every 2k iterations so
# the log shows where the curve flattens. Resumable (`--resume`) from its last checkpoint.
#   python tools/train.py configs/edsr/edsr_x4c32b16_1xb16-20k_sr-demo.py
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/sr_demo_x4.py',
    '../_base_/schedules/sr_adam_demo.py'
]

model = {{_base_.edsr_study_teacher}}

train_dataloader = dict(batch_size=16)
# LR patches of 32x32: step 3 of the training pipeline is the paired random crop.
train_dataloader.update(
    dataset=dict(pipeline=[
        *_base_.train_pipeline[:3],
        dict(type='mmagic.PairedRandomCrop', gt_patch_size=128),
        *_base_.train_pipeline[4:],
    ]))

max_iters = 20000
warmup_iters = 500
train_cfg = dict(max_iters=max_iters, val_interval=2000)
optim_wrapper = dict(optimizer=dict(lr=4e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters, end=max_iters,
         T_max=max_iters - warmup_iters, eta_min=1e-6),
]
default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=2, save_best='PSNR',
                                     rule='greater'))
randomness = dict(seed=0)
