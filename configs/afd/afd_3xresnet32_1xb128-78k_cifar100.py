# AFD on CIFAR-100 with K = 3 ResNet-32s, the cyclic scheme: discriminator k takes network
# (k - 1) mod 3 as "real" (3 discriminators instead of 6).
_base_ = './afd_2xresnet32_1xb128-78k_cifar100.py'
model = dict(nets=[{{_base_.resnet32}}] * 3)
net_optim = {{_base_.net_optim}}
adv_optim = {{_base_.adv_optim}}
disc_optim = {{_base_.disc_optim}}
optim_wrapper = dict(net2=net_optim, net2_adv=adv_optim, disc2=disc_optim)
