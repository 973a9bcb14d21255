# AFD on CIFAR-100, small + large pair: a ResNet-20 (0.28M parameters) and a ResNet-56
# (0.86M) trained together; both layer3 maps have 64 channels, so no transfer layer.
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(nets=[
    dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmkd_ext.CIFARResNet', depth=depth, in_channels=3, base_channels=16),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=64)) for depth in (20, 56)
])
