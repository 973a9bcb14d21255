# DIV2K at x2: div2k_x4.py with what depends on the scale (the LR folders, the patch size
# and the border that PSNR/SSIM crop) set from `sr_scale`.
_base_ = './div2k_x4.py'

sr_scale = 2
gt_patch_size = 48 * sr_scale
train_pipeline = [
    *_base_.train_pipeline[:2],
    dict(type='mmagic.SetValues', dictionary=dict(scale=sr_scale)),
    dict(type='mmagic.PairedRandomCrop', gt_patch_size=gt_patch_size),
    *_base_.train_pipeline[4:],
]
train_dataloader = dict(dataset=dict(
    data_prefix=dict(img=f'DIV2K_train_LR_bicubic/X{sr_scale}_sub'), pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_prefix=dict(img=f'LRbicx{sr_scale}')))
val_evaluator = dict(metrics=[dict(m, crop_border=sr_scale) for m in _base_.val_evaluator.metrics])
test_dataloader = [
    dict(loader, dataset=dict(
        loader.dataset, data_prefix=dict(loader.dataset.data_prefix, img=f'LRbicx{sr_scale}')))
    for loader in _base_.test_dataloader
]
test_evaluator = [
    dict(evaluator, metrics=[dict(m, crop_border=sr_scale) for m in evaluator.metrics])
    for evaluator in _base_.test_evaluator
]
