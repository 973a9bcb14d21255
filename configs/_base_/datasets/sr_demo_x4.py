# Demo super-resolution data at x4 (build it with `python tools/prepare_data.py sr`):
# train on 240x240 sub-images of 104 photos, validate and test on the 14-image bench14
# set (Set5 butterfly, Set14 baboon and 12 more), PSNR/SSIM on Y with `sr_scale` border.
# LR images: mmagic's MATLAB-like bicubic, the degradation of the standard LRbicx4 sets.
sr_scale = 4  # not `scale`: the model bases (models/edsr_x4.py) define that one
gt_patch_size = 96  # LR patches of 24x24: small enough for CPU runs

data_root = 'data/sr_demo'
train_pipeline = [
    dict(type='LoadImageFromFile', key='img', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='LoadImageFromFile', key='gt', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='mmagic.SetValues', dictionary=dict(scale=sr_scale)),
    dict(type='mmagic.PairedRandomCrop', gt_patch_size=gt_patch_size),
    dict(type='mmagic.Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='mmagic.Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='mmagic.RandomTransposeHW', keys=['img', 'gt'], transpose_ratio=0.5),
    dict(type='mmagic.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', key='img', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='LoadImageFromFile', key='gt', color_type='color',
         channel_order='rgb', imdecode_backend='cv2'),
    dict(type='mmagic.PackInputs'),
]

train_dataloader = dict(
    num_workers=2,
    batch_size=8,
    drop_last=True,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='mmagic.BasicImageDataset',
        metainfo=dict(dataset_type='sr_demo', task_name='sisr'),
        data_root=data_root,
        data_prefix=dict(img=f'train_lr_sub_x{sr_scale}', gt='train_hr_sub'),
        filename_tmpl=dict(img='{}', gt='{}'),
        pipeline=train_pipeline))

val_dataloader = dict(
    num_workers=2,
    batch_size=1,
    drop_last=False,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='mmagic.BasicImageDataset',
        metainfo=dict(dataset_type='bench14', task_name='sisr'),
        data_root=data_root,
        data_prefix=dict(img=f'bench14_lr_x{sr_scale}', gt='bench14_hr'),
        filename_tmpl=dict(img='{}', gt='{}'),
        pipeline=test_pipeline))
val_evaluator = dict(
    type='mmagic.Evaluator',
    metrics=[
        dict(type='mmagic.PSNR', crop_border=sr_scale, convert_to='Y'),
        dict(type='mmagic.SSIM', crop_border=sr_scale, convert_to='Y'),
    ])

test_dataloader = val_dataloader
test_evaluator = dict(
    type='mmagic.Evaluator',
    metrics=[
        dict(type='mmagic.PSNR', crop_border=sr_scale, convert_to='Y', prefix='bench14'),
        dict(type='mmagic.SSIM', crop_border=sr_scale, convert_to='Y', prefix='bench14'),
    ])

# mmagic's metrics count images in `prepare()`, which only mmagic's loops and Evaluator
# call (mmengine's ValLoop fails in `evaluate`).
val_cfg = dict(type='mmagic.MultiValLoop')
test_cfg = dict(type='mmagic.MultiTestLoop')
