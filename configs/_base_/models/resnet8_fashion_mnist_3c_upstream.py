# The study's ResNet-8 (datasets/fashion_mnist_3c.py inputs) as a variable, for configs that
# inherit an MMRazor recipe, whose own `model` must not meet a second one among the bases:
# `architecture=dict(_delete_=True, **_base_.fm3c_resnet8)`.
fm3c_resnet8 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=3, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
