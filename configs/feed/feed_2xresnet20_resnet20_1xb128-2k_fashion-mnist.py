# pFEED with K = 2 on Fashion-MNIST: two ResNet-20 teachers of different seeds.
_base_ = './feed_1xresnet20_resnet20_1xb128-2k_fashion-mnist.py'
model = dict(
    teachers=dict(t101={{_base_.resnet20}}),
    teacher_ckpts=dict(t101='checkpoints/feed/resnet20_1xb128-2k_fashion-mnist_seed101.pth'))
