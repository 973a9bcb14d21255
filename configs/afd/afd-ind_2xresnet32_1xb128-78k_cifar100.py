# Independent training baseline: the two ResNet-32s of afd_2xresnet32 on CE alone.
# The DML config (afd-dml_2xresnet32_1xb128-78k_cifar100.py) with a zero weight.
_base_ = './afd-dml_2xresnet32_1xb128-78k_cifar100.py'
model = dict(dml_weight=0.0)
