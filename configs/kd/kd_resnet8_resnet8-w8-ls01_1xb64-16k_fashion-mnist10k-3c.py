# KD from the 10k-subset teacher added to resnet8-w8-ls01_1xb64-16k_fashion-mnist10k-3c.py,
# nothing else changed.
_base_ = [
    './resnet8-w8-ls01_1xb64-16k_fashion-mnist10k-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py'
]
# T and alpha: the seed-0 sweep on the pruning 50 % pair (configs/kd/README.md).
model = dict(_base_.logit_kd, student=_base_.model,
             teacher_ckpt='checkpoints/kd/resnet8_1xb64-16k_fashion-mnist10k-3c.pth',
             temperature=8.0, alpha=0.5)
