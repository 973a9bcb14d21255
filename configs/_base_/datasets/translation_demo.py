# Demo translation data (build it with `python tools/prepare_data.py translation`):
# photos (the source domain, 75 for training; 11 more held out in photo_test/), 9 Van Gogh
# paintings and 9 ukiyo-e prints, unpaired. Every image is resized so that its shorter side
# is `load_size`, then a random `crop_size` crop is taken independently per domain.
data_root = 'data/translation'
domains = ['photo', 'vangogh', 'ukiyoe']
load_size = 160
crop_size = 128
img_keys = [f'img_{d}' for d in domains]

train_pipeline = [
    *[dict(type='LoadImageFromFile', key=k, color_type='color', channel_order='rgb',
           imdecode_backend='cv2') for k in img_keys],
    dict(type='mmagic.Resize', keys=img_keys, scale=(load_size, -1), keep_ratio=True,
         interpolation='area'),
    dict(type='mmagic.Crop', keys=img_keys, crop_size=(crop_size, crop_size),
         random_crop=True),
    dict(type='mmagic.Flip', keys=img_keys, direction='horizontal'),
    dict(type='mmagic.PackInputs', keys=img_keys),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='UnpairedMultiDomainDataset', data_root=data_root, domains=domains,
                 pipeline=train_pipeline))
# No validation metric at this scale: tools/analysis/sgn_mixing_fidelity.py measures
# the mixing on the held-out photos, SGNMixGridHook pictures it during training.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None
