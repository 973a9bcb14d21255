# Demo super-resolution data at x2: sr_demo_x4.py with what depends on the scale (the LR
# folders, the patch size and the border that PSNR/SSIM crop) set from `sr_scale`.
_base_ = './sr_demo_x4.py'

sr_scale = 2
gt_patch_size = 64  # LR patches of 32x32: small enough for CPU runs
train_pipeline = [
    *_base_.train_pipeline[:2],
    dict(type='mmagic.SetValues', dictionary=dict(scale=sr_scale)),
    dict(type='mmagic.PairedRandomCrop', gt_patch_size=gt_patch_size),
    *_base_.train_pipeline[4:],
]
train_dataloader = dict(
    dataset=dict(data_prefix=dict(img=f'train_lr_sub_x{sr_scale}'), pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_prefix=dict(img=f'bench14_lr_x{sr_scale}')))
val_evaluator = dict(metrics=[dict(m, crop_border=sr_scale) for m in _base_.val_evaluator.metrics])
test_dataloader = val_dataloader
test_evaluator = dict(
    metrics=[dict(m, crop_border=sr_scale) for m in _base_.test_evaluator.metrics])
