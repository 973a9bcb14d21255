# DML baseline: afd_2xresnet8-w8 without the feature-map part (CE + T^2 KL to the peer).
_base_ = './afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(feature_mode='none')
optim_wrapper = dict(_delete_=True, constructor='RoleOptimWrapperConstructor',
                     net0={{_base_.net_optim}}, net1={{_base_.net_optim}})
