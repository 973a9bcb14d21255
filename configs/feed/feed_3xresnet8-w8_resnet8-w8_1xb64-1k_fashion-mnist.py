# pFEED with K = 3 on Fashion-MNIST: three ResNet-8 (width 8) teachers of different seeds.
_base_ = './feed_2xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(
    teachers=dict(t102={{_base_.resnet8_w8}}),
    teacher_ckpts=dict(t102='checkpoints/feed/resnet8-w8_1xb64-1k_fashion-mnist_seed102.pth'))
