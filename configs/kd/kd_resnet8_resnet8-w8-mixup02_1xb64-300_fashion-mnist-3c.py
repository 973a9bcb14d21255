# KD from the study's ResNet-8 teacher added to resnet8-w8-mixup02_1xb64-300_fashion-mnist-3c.py,
# nothing else changed.
_base_ = [
    './resnet8-w8-mixup02_1xb64-300_fashion-mnist-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py'
]
model = dict(_base_.logit_kd, student=_base_.model)
