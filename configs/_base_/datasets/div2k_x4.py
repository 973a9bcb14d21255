# DIV2K at x4 in mmagic's layout: train on the 800 training images cut into sub-images by
# mmagic's tools/dataset_converters/div2k/preprocess_div2k_dataset.py (which also writes
# meta_info_DIV2K800sub_GT.txt), 48x48 LR patches, batch 16 (EDSR, Lim et al. 2017);
# validate on Set5, test on Set5, Set14, B100 and Urban100 (GTmod12 + LRbicx4 folders),
# PSNR/SSIM on Y with `sr_scale` pixels of border cropped, the field's protocol.
sr_scale = 4  # not `scale`: the model bases (models/edsr_x4.py) define that one
gt_patch_size = 48 * sr_scale

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
    num_workers=8,
    batch_size=16,
    drop_last=True,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='mmagic.BasicImageDataset',
        ann_file='meta_info_DIV2K800sub_GT.txt',
        metainfo=dict(dataset_type='div2k', task_name='sisr'),
        data_root='data/DIV2K',
        data_prefix=dict(
            img=f'DIV2K_train_LR_bicubic/X{sr_scale}_sub', gt='DIV2K_train_HR_sub'),
        filename_tmpl=dict(img='{}', gt='{}'),
        pipeline=train_pipeline))


def _benchmark(name: str) -> dict:
    """Dataloader of one standard test set, data/{name}/GTmod12 + LRbicx{sr_scale}."""
    return dict(
        num_workers=4,
        batch_size=1,
        drop_last=False,
        persistent_workers=False,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(
            type='mmagic.BasicImageDataset',
            metainfo=dict(dataset_type=name.lower(), task_name='sisr'),
            data_root=f'data/{name}',
            data_prefix=dict(img=f'LRbicx{sr_scale}', gt='GTmod12'),
            filename_tmpl=dict(img='{}', gt='{}'),
            pipeline=test_pipeline))


def _metrics(prefix=None) -> dict:
    return dict(
        type='mmagic.Evaluator',
        metrics=[
            dict(type='mmagic.PSNR', crop_border=sr_scale, convert_to='Y', prefix=prefix),
            dict(type='mmagic.SSIM', crop_border=sr_scale, convert_to='Y', prefix=prefix),
        ])


val_dataloader = _benchmark('Set5')
val_evaluator = _metrics()  # no prefix: checkpoints can keep the best 'PSNR'

test_sets = ['Set5', 'Set14', 'B100', 'Urban100']
test_dataloader = [_benchmark(name) for name in test_sets]
test_evaluator = [_metrics(prefix=name) for name in test_sets]

# mmagic's metrics count images in `prepare()`, which only mmagic's loops and Evaluator
# call (mmengine's ValLoop fails in `evaluate`); the Multi loops also run lists of sets.
val_cfg = dict(type='mmagic.MultiValLoop')
test_cfg = dict(type='mmagic.MultiTestLoop')
