# L1 baseline: afd_2xresnet32 with |map_k - sg(map_{k-1})| instead of the discriminators.
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(feature_mode='l1')
optim_wrapper = dict(
    _delete_=True,
    constructor='RoleOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}},
    net0_adv={{_base_.adv_optim}}, net1_adv={{_base_.adv_optim}})
