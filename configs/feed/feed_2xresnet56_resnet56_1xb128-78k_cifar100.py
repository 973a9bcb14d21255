# pFEED with K = 2 on CIFAR-100: two ResNet-56 teachers of different seeds.
_base_ = './feed_1xresnet56_resnet56_1xb128-78k_cifar100.py'
model = dict(
    teachers=dict(t101={{_base_.resnet56}}),
    teacher_ckpts=dict(t101='checkpoints/feed/resnet56_1xb128-78k_cifar100_seed101.pth'))
