# L1 baseline: afd_2xresnet8-w8 with |map_k - sg(map_{k-1})| instead of the discriminators.
# The DML config (afd-dml_2xresnet8-w8_1xb64-1k_fashion-mnist.py) plus the adversarial steps.
_base_ = './afd-dml_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(feature_mode='l1')
optim_wrapper = dict(net0_adv={{_base_.adv_optim}}, net1_adv={{_base_.adv_optim}})
