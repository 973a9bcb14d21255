# SGN model 2: model 1 with ukiyo-e prints as the adversarial domain,
# s = (photo, ukiyoe, style).
_base_ = ['./sgn-vangogh+style_resnet-c64b9_1xb4-200k_cyclegan.py']

domains = ['photo', 'ukiyoe']
img_keys = [f'img_{d}' for d in domains]
train_pipeline = [*[dict(_base_.load, key=k) for k in img_keys],
                  *[dict(t, keys=img_keys) for t in _base_.per_image],
                  dict(_base_.pack, keys=img_keys)]
train_dataloader = dict(dataset=dict(domains=domains, pipeline=train_pipeline))
model = dict(terms=[
    _base_.model.terms[0],
    dict(_base_.model.terms[1], domain='ukiyoe'),
    _base_.style,
])
