# KD added to resnet8-lsq4bit_1xb64-64e_fashion-mnist10k-3c.py and nothing else changed: the
# teacher is the full-precision model the student starts from (the 10k-subset teacher).
_base_ = [
    './resnet8-lsq4bit_1xb64-64e_fashion-mnist10k-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist10k_3c.py'
]
model = dict(_base_.logit_kd, student=_base_.model, teacher_ckpt=_base_.float_checkpoint)
