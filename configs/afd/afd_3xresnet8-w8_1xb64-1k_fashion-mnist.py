# AFD on Fashion-MNIST with K = 3 ResNet-8s (width 8), the cyclic scheme: discriminator k takes
# network (k - 1) mod 3 as "real" and network k as "fake" (3 discriminators, not 6); the DML
# term of each network averages its two peers.
_base_ = './afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(nets=[{{_base_.resnet8_w8}}] * 3)
optim_wrapper = dict(
    net2={{_base_.net_optim}}, net2_adv={{_base_.adv_optim}}, disc2={{_base_.disc_optim}})
