# The CIFAR ResNet-56 of He et al. (16/32/64 channels, 9 blocks per stage), 100 classes.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=56, in_channels=3, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
