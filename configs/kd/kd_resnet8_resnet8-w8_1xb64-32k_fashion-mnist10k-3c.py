# KD from the 10k-subset teacher added to resnet8-w8_1xb64-32k_fashion-mnist10k-3c.py,
# nothing else changed.
_base_ = [
    './resnet8-w8_1xb64-32k_fashion-mnist10k-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist10k_3c.py'
]
model = dict(_base_.logit_kd, student=_base_.model)
