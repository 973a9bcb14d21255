# Fused AFD: afd_2xresnet8-w8 with one forward and one step per network, on CE + DML +
# adv_weight x the adversarial term. There is no net{k}_adv: adv_weight = 0.1 keeps the
# unfused adversarial step's pace (a tenth of the task rate).
_base_ = './afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(fused=True, adv_weight=0.1)
optim_wrapper = dict(
    _delete_=True,
    constructor='RoleOptimWrapperConstructor',
    net0={{_base_.net_optim}}, net1={{_base_.net_optim}},
    disc0={{_base_.disc_optim}}, disc1={{_base_.disc_optim}})
