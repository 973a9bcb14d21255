# SGN model 3: several adversarial domains, one PatchGAN discriminator each,
# s = (photo, vangogh, ukiyoe, monet), e.g. "30% Van Gogh, 20% ukiyo-e, 50% photo".
# Every term as in model 1 (reconstruction x2, LSGAN + identity x5); no style image.
_base_ = ['./sgn-vangogh+style_resnet-c64b9_1xb4-200k_cyclegan.py']

domains = ['photo', 'vangogh', 'ukiyoe', 'monet']
img_keys = [f'img_{d}' for d in domains]
train_dataloader = dict(dataset=dict(
    domains=domains,
    pipeline=[
        *[dict(_base_.load, key=k) for k in img_keys],
        dict(_base_.resize, keys=img_keys),
        dict(_base_.crop, keys=img_keys),
        dict(_base_.flip, keys=img_keys),
        dict(type='mmagic.PackInputs', keys=img_keys),
    ]))
model = dict(terms=[
    dict(kind='reconstruction', name='photo', loss_weight=2.0),
    *[dict(kind='adversarial', domain=d, loss_weight=1.0, identity_weight=5.0)
      for d in domains[1:]],
])
