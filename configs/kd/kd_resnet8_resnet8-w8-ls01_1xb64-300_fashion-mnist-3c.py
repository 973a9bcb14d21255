# KD from the study's ResNet-8 teacher added to resnet8-w8-ls01_1xb64-300_fashion-mnist-3c.py,
# nothing else changed.
_base_ = [
    './resnet8-w8-ls01_1xb64-300_fashion-mnist-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py'
]
model = dict(
    _delete_=True,
    type='LogitKD',
    student={{_base_.model}},
    teacher={{_base_.teacher}},
    teacher_ckpt={{_base_.teacher_ckpt}},
    temperature=4.0,
    alpha=0.9)
