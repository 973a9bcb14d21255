# Independent training baseline: the two ResNet-8s (width 8) of afd_2xresnet8-w8 on CE alone.
# The DML config (afd-dml_2xresnet8-w8_1xb64-1k_fashion-mnist.py) with a zero weight.
_base_ = './afd-dml_2xresnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(dml_weight=0.0)
