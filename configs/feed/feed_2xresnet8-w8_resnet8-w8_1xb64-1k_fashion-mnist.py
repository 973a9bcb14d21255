# pFEED with K = 2 on Fashion-MNIST: two ResNet-8 (width 8) teachers of different seeds.
_base_ = './feed_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(
    teachers=dict(t101={{_base_.resnet8_w8}}),
    teacher_ckpts=dict(t101='checkpoints/feed/resnet8-w8_1xb64-1k_fashion-mnist_seed101.pth'))
