# CIFAR ResNet-8 (16/32/64 channels, 78k parameters) for Fashion-MNIST with 3-channel
# inputs (datasets/fashion_mnist_3c.py): the teacher of the KD orthogonality study and the
# network that is pruned or quantized there.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=3, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
