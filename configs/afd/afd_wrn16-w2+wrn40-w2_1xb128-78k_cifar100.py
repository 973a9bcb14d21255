# AFD on CIFAR-100 with a wide-ResNet pair: WRN-16-2 (0.70M parameters) and WRN-40-2
# (2.26M), trained together; both layer3 maps are 128 x 8 x 8 (post BN-ReLU), so no
# transfer layer. A small + large pair of the paper's WRN kind (pairs not checked against
# the paper's tables).
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(nets=[
    dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmkd_ext.WideResNet', depth=depth, widen_factor=2, in_channels=3),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=128)) for depth in (16, 40)
])
