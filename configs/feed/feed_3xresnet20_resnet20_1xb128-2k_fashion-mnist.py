# pFEED with K = 3 on Fashion-MNIST: three ResNet-20 teachers of different seeds.
_base_ = './feed_2xresnet20_resnet20_1xb128-2k_fashion-mnist.py'
model = dict(
    teachers=dict(t102={{_base_.resnet20}}),
    teacher_ckpts=dict(t102='checkpoints/feed/resnet20_1xb128-2k_fashion-mnist_seed102.pth'))
