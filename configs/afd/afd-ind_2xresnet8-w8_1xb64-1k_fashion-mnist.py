# Independent training baseline: the two ResNet-8s (width 8) of afd_2xresnet8-w8 on CE alone.
_base_ = './afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(feature_mode='none', dml_weight=0.0)
optim_wrapper = dict(
    _delete_=True,
    constructor='RoleOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
