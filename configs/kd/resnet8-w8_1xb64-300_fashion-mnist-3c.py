# The regularisation students' network alone: CIFAR ResNet-8 of width 8 (20k parameters),
# plain cross-entropy, no KD.
_base_ = ['../_base_/datasets/fashion_mnist_3c.py', '../_base_/schedules/cls_sgd_300.py']
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=3, base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=32,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
