# AFD on Fashion-MNIST, small + large pair: a ResNet-8 of width 8 (8/16/32 channels, ~20k
# parameters) and a ResNet-32 (16/32/64, ~0.46M). The small network's 32-channel layer3 map
# goes through a transfer layer (trans0: 1x1 conv, BN, ReLU) to the common 64 channels.
_base_ = './afd_2xresnet20_1xb128-2k_fashion-mnist.py'
resnet8_w8 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=1, base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=32))
resnet32 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=32, in_channels=1, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
model = dict(nets=[resnet8_w8, resnet32])
net_optim = {{_base_.net_optim}}
disc_optim = {{_base_.disc_optim}}
optim_wrapper = dict(trans0=net_optim)
