# Fused AFD with K = 3 ResNet-8s (width 8), cyclic discriminators (afd_3xresnet8-w8 fused).
_base_ = './afd-fused_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(nets=[{{_base_.resnet8_w8}}] * 3)
optim_wrapper = dict(net2={{_base_.net_optim}}, disc2={{_base_.disc_optim}})
