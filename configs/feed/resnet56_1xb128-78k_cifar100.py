# ResNet-56 on CIFAR-100: the FEED teachers (one run per seed) and the student baseline.
_base_ = [
    '../_base_/models/resnet56_cifar100.py', '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/cifar_sgd_78k.py'
]
