# AFD on CIFAR-100 with K = 3 ResNet-32s, the cyclic scheme: discriminator k takes network
# (k - 1) mod 3 as "real" (3 discriminators instead of 6).
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(nets=[{{_base_.resnet32}}] * 3)
optim_wrapper = dict(
    net2={{_base_.net_optim}}, net2_adv={{_base_.adv_optim}}, disc2={{_base_.disc_optim}})
