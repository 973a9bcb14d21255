# SGN model 2: model 1 with ukiyo-e prints as the adversarial domain,
# s = (photo, ukiyoe, style).
_base_ = ['./sgn-vangogh+style_resnet-c64b9_1xb4-200k_cyclegan.py']

domains = ['photo', 'ukiyoe']
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
    dict(kind='adversarial', domain='ukiyoe', loss_weight=1.0, identity_weight=5.0),
    _base_.model.terms[2],
])
