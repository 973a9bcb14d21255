# AFD on CIFAR-100 with wide ResNets of different widths: WRN-16-2 (128-channel layer3 map)
# and WRN-28-4 (256 channels, 5.9M parameters); the small network's map goes through a
# transfer layer (trans0: 1x1 conv, BN, ReLU) to 256 channels.
_base_ = './afd_wrn16-w2+wrn40-w2_1xb128-78k_cifar100.py'
model = dict(nets=[
    dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmkd_ext.WideResNet', depth=depth, widen_factor=k, in_channels=3),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=64 * k))
    for depth, k in ((16, 2), (28, 4))
])
optim_wrapper = dict(trans0={{_base_.adv_optim}})
