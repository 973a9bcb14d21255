# Independent training baseline: the two ResNet-20s of afd_2xresnet20 on CE alone.
_base_ = './afd_2xresnet20_1xb128-2k_fashion-mnist.py'
model = dict(feature_mode='none', dml_weight=0.0)
optim_wrapper = dict(
    _delete_=True,
    constructor='mmagic.MultiOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
