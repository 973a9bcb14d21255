# CycleGAN's painting sets on their usual layout (http://efrosgans.eecs.berkeley.edu/cyclegan/
# datasets/): data/cyclegan/{vangogh2photo,ukiyoe2photo,monet2photo}/{trainA,trainB,...},
# trainA the paintings, trainB the photos. SGN's source domain is the photos of
# vangogh2photo; each painter's domain is its set's trainA. Images are resized so that the
# shorter side is `load_size`, then randomly cropped to `crop_size` and flipped, per domain.
_base_ = ['./translation_demo.py']

data_root = 'data/cyclegan'
data_prefix = dict(photo='vangogh2photo/trainB', vangogh='vangogh2photo/trainA',
                   ukiyoe='ukiyoe2photo/trainA', monet='monet2photo/trainA')
domains = ['photo', 'vangogh']
load_size = 286
crop_size = 256

per_image = [
    dict(_base_.per_image[0], scale=(load_size, -1), interpolation='bicubic'),
    dict(_base_.per_image[1], crop_size=(crop_size, crop_size)),
    _base_.per_image[2],
]
img_keys = [f'img_{d}' for d in domains]
train_pipeline = [*[dict(_base_.load, key=k) for k in img_keys],
                  *[dict(t, keys=img_keys) for t in per_image], dict(_base_.pack, keys=img_keys)]
train_dataloader = dict(
    num_workers=4,
    persistent_workers=True,
    dataset=dict(data_root=data_root, domains=domains, data_prefix=data_prefix,
                 pipeline=train_pipeline))
# mmagic's TransFID / TransIS need Inception weights: add them as val_evaluator where they
# can be downloaded (SGN's `predict` gives `fake_{term}` for each term alone).
