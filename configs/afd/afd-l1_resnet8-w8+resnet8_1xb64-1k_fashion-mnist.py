# L1 baseline of the small + large pair: L1 between the (transferred) layer3 maps.
# The DML config (afd-dml_resnet8-w8+resnet8_1xb64-1k_fashion-mnist.py) plus the adversarial steps.
_base_ = './afd-dml_resnet8-w8+resnet8_1xb64-1k_fashion-mnist.py'
model = dict(feature_mode='l1')
optim_wrapper = dict(
    net0_adv={{_base_.adv_optim}}, net1_adv={{_base_.adv_optim}}, trans0={{_base_.adv_optim}})
