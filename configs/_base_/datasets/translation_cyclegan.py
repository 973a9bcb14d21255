# CycleGAN's painting sets on their usual layout (http://efrosgans.eecs.berkeley.edu/cyclegan/
# datasets/): data/cyclegan/{vangogh2photo,ukiyoe2photo,monet2photo}/{trainA,trainB,...},
# trainA the paintings, trainB the photos. SGN's source domain is the photos of
# vangogh2photo; each painter's domain is its set's trainA. Images are resized so that the
# shorter side is `load_size`, then randomly cropped to `crop_size` and flipped, per domain.
# A config with other domains rebuilds the pipeline from the per-image steps below.
data_root = 'data/cyclegan'
data_prefix = dict(photo='vangogh2photo/trainB', vangogh='vangogh2photo/trainA',
                   ukiyoe='ukiyoe2photo/trainA', monet='monet2photo/trainA')
domains = ['photo', 'vangogh']
load_size = 286
crop_size = 256

load = dict(type='LoadImageFromFile', color_type='color', channel_order='rgb',
            imdecode_backend='cv2')
resize = dict(type='mmagic.Resize', scale=(load_size, -1), keep_ratio=True,
              interpolation='bicubic')
crop = dict(type='mmagic.Crop', crop_size=(crop_size, crop_size), random_crop=True)
flip = dict(type='mmagic.Flip', direction='horizontal')
img_keys = [f'img_{d}' for d in domains]
train_pipeline = [
    *[dict(load, key=k) for k in img_keys],
    dict(resize, keys=img_keys),
    dict(crop, keys=img_keys),
    dict(flip, keys=img_keys),
    dict(type='mmagic.PackInputs', keys=img_keys),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='UnpairedMultiDomainDataset', data_root=data_root, domains=domains,
                 data_prefix=data_prefix, pipeline=train_pipeline))
# mmagic's TransFID / TransIS need Inception weights: add them as val_evaluator where they
# can be downloaded (SGN's `predict` gives `fake_{term}` for each term alone).
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None
