# DML baseline with K = 3 ResNet-20s (afd_3xresnet20 without the feature-map part).
_base_ = './afd_3xresnet20_1xb128-2k_fashion-mnist.py'
model = dict(feature_mode='none')
optim_wrapper = dict(
    _delete_=True,
    constructor='mmagic.MultiOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}}, net2={{_base_.net_optim}})
