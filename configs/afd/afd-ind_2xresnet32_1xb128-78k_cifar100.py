# Independent training baseline: the two ResNet-32s of afd_2xresnet32 on CE alone.
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(feature_mode='none', dml_weight=0.0)
optim_wrapper = dict(
    _delete_=True,
    constructor='RoleOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
