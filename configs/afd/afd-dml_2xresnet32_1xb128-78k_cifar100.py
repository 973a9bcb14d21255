# DML baseline: afd_2xresnet32 without the feature-map part (CE + T^2 KL to the peer).
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(feature_mode='none')
optim_wrapper = dict(_delete_=True, constructor='RoleOptimWrapperConstructor',
                     net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
