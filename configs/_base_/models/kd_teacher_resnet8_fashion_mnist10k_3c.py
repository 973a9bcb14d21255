# The KD of the classification studies on the first 10,000 training images: the teacher
# trained there (configs/kd/resnet8_1xb64-16k_fashion-mnist10k-3c.py) and the temperature and
# weight chosen by the seed-0 sweep on the pruning 50 % pair (configs/kd/README.md). Used as
#   _base_ = ['./<student config>.py', '../_base_/models/kd_teacher_resnet8_fashion_mnist10k_3c.py']
#   model = dict(_base_.logit_kd, student=_base_.model)
_base_ = './kd_teacher_resnet8_fashion_mnist_3c.py'
teacher_ckpt = 'checkpoints/kd/resnet8_1xb64-16k_fashion-mnist10k-3c.pth'
logit_kd = dict(teacher_ckpt=teacher_ckpt, temperature=8.0, alpha=0.5)
