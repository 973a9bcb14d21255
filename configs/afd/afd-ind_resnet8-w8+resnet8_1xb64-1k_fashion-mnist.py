# Independent training of the small + large pair (afd_resnet8-w8+resnet8).
# The DML config (afd-dml_resnet8-w8+resnet8_1xb64-1k_fashion-mnist.py) with a zero weight.
_base_ = './afd-dml_resnet8-w8+resnet8_1xb64-1k_fashion-mnist.py'
model = dict(dml_weight=0.0)
