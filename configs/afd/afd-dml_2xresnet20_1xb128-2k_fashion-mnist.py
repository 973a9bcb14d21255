# DML baseline: afd_2xresnet20 without the feature-map part (CE + T^2 KL to the peer).
_base_ = './afd_2xresnet20_1xb128-2k_fashion-mnist.py'
model = dict(feature_mode='none')
optim_wrapper = dict(
    _delete_=True,
    constructor='mmagic.MultiOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
