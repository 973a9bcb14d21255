# Fused AFD on the small + large pair (afd_resnet8-w8+resnet8, see afd-fused_2xresnet8-w8):
# trans0 steps at the task rate on adv_weight x its gradient, the unfused pace.
_base_ = './afd_resnet8-w8+resnet8_1xb64-1k_fashion-mnist.py'
model = dict(fused=True, adv_weight=0.1)
optim_wrapper = dict(
    _delete_=True, constructor='RoleOptimWrapperConstructor', net0={{_base_.net_optim}},
    net1={{_base_.net_optim}}, trans0={{_base_.net_optim}}, disc0={{_base_.disc_optim}},
    disc1={{_base_.disc_optim}})
