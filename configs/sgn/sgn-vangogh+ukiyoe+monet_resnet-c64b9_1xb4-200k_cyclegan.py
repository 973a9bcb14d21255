# SGN model 3: several adversarial domains, one PatchGAN discriminator each,
# s = (photo, vangogh, ukiyoe, monet), e.g. "30% Van Gogh, 20% ukiyo-e, 50% photo".
# Reconstruction (x2) and, per painter, LSGAN + identity (x5); no style image.
_base_ = ['../_base_/datasets/translation_cyclegan.py', './_base_/sgn_resnet.py']

domains = ['photo', 'vangogh', 'ukiyoe', 'monet']
img_keys = [f'img_{d}' for d in domains]
train_pipeline = [*[dict(_base_.load, key=k) for k in img_keys],
                  *[dict(t, keys=img_keys) for t in _base_.per_image],
                  dict(_base_.pack, keys=img_keys)]
train_dataloader = dict(dataset=dict(domains=domains, pipeline=train_pipeline))
model = dict(terms=[_base_.model.terms[0],
                    *[dict(_base_.model.terms[1], domain=d) for d in domains[1:]]])
