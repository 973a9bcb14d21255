# SGN model 1: n = 3 terms, s = (photo, vangogh, style): reconstruction of the photo
# (2 |G(x, s) - x|), LSGAN towards Van Gogh's paintings plus identity (5 |G(x_vg, s) - x_vg|),
# and perceptual style transfer towards one style image (VGG16 content at relu2_2 x 1e-3,
# Gram style at relu1_2..relu4_3 x 1e1/1e2/1e3/5e2). Batch 4, 256 crops; the length
# (200k iterations) is this package's choice. Give the torchvision VGG16 weights and the
# style image before training (configs/sgn/README.md).
_base_ = ['../_base_/datasets/translation_cyclegan.py', './_base_/sgn_resnet.py']

style = dict(
    kind='style', name='style',
    loss=dict(type='PerceptualStyleLoss', style_image='data/cyclegan/style.jpg',
              vgg_checkpoint='checkpoints/vgg16_torchvision.pth'))
model = dict(terms=[*_base_.model.terms, style])
