# Demo translation data (build it with `python tools/prepare_data.py translation`):
# photos (the source domain, 75 for training; 11 more held out in photo_test/), 9 Van Gogh
# paintings and 9 ukiyo-e prints, unpaired. Each image is resized so that its shorter side
# is `load_size`, then a random `crop_size` crop is taken and flipped, per domain.
# A config with other domains rebuilds the pipeline from the steps below:
#   keys = [f'img_{d}' for d in domains]
#   train_pipeline = [*[dict(_base_.load, key=k) for k in keys],
#                     *[dict(t, keys=keys) for t in _base_.per_image], dict(_base_.pack, keys=keys)]
data_root = 'data/translation'
domains = ['photo', 'vangogh', 'ukiyoe']
load_size = 128
crop_size = 64

load = dict(type='LoadImageFromFile', color_type='color', channel_order='rgb',
            imdecode_backend='cv2')
per_image = [
    dict(type='mmagic.Resize', scale=(load_size, -1), keep_ratio=True, interpolation='area'),
    dict(type='mmagic.Crop', crop_size=(crop_size, crop_size), random_crop=True),
    dict(type='mmagic.Flip', direction='horizontal'),
]
pack = dict(type='mmagic.PackInputs')
img_keys = [f'img_{d}' for d in domains]
train_pipeline = [*[dict(load, key=k) for k in img_keys],
                  *[dict(t, keys=img_keys) for t in per_image], dict(pack, keys=img_keys)]
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='UnpairedMultiDomainDataset', data_root=data_root, domains=domains,
                 pipeline=train_pipeline))
# No validation metric at this scale: tools/analysis/sgn_mixing_fidelity.py measures the
# mixing on the held-out photos, SGNMixGridHook pictures it during training.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None
