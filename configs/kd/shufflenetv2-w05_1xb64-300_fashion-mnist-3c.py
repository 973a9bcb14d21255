# Cheap convolutions: mmpretrain's ShuffleNetV2 (widen factor 0.5; depthwise 3x3 and
# channel shuffle) trained from scratch on Fashion-MNIST, no KD.
_base_ = ['../_base_/datasets/fashion_mnist_3c.py', '../_base_/schedules/cls_sgd_300.py']
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='ShuffleNetV2', widen_factor=0.5),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=1024))
