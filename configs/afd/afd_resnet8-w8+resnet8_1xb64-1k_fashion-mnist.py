# AFD on Fashion-MNIST, small + large pair: a ResNet-8 of width 8 (8/16/32 channels, about
# 20k parameters) and one of width 16 (16/32/64, about 78k). The small network's 32-channel
# layer3 map goes through a transfer layer (trans0: 1x1 conv, BN, ReLU) to the common 64.
_base_ = './afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
resnet8 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=1, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
model = dict(nets=[{{_base_.resnet8_w8}}, resnet8])
optim_wrapper = dict(trans0={{_base_.adv_optim}})
