# DML baseline of the small + large pair (afd_resnet8-w8+resnet8).
_base_ = './afd_resnet8-w8+resnet8_1xb64-1k_fashion-mnist.py'
model = dict(feature_mode='none')
optim_wrapper = dict(_delete_=True, constructor='RoleOptimWrapperConstructor',
                     net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
