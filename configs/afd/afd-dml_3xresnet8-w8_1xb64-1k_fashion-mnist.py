# DML baseline with K = 3 ResNet-8s (width 8) (afd_3xresnet8-w8 without the feature-map part).
_base_ = './afd_3xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(feature_mode='none')
optim_wrapper = dict(_delete_=True, constructor='RoleOptimWrapperConstructor',
                     net0={{_base_.net_optim}}, net1={{_base_.net_optim}},
                     net2={{_base_.net_optim}})
