# SGN at CPU scale on the demo translation set (`python tools/prepare_data.py translation`):
# s = (photo, vangogh, ukiyoe), the terms of model 3 with two painters: reconstruction of
# the photo (x2) and, per painter, LSGAN + identity (x5). PatchGANs of 16 channels, 64 px
# crops of images resized to 128 px, batch 4, a mixing grid of a held-out photo during
# training. Configs set the generator's size and the schedule (`set_schedule` below).
_base_ = ['../../_base_/datasets/translation_demo.py', './sgn_resnet.py']

model = dict(
    discriminator=dict(base_channels=16),
    terms=[_base_.model.terms[0],
           *[dict(_base_.model.terms[1], domain=d) for d in ('vangogh', 'ukiyoe')]])
grid_image = 'data/translation/photo_test/Chenonceau_background.webp'
randomness = dict(seed=0)
