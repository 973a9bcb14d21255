# Baseline at K = 2: feed-fitnet_1xresnet8-w8 with feed_2xresnet8-w8's second teacher.
_base_ = './feed-fitnet_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(
    teachers=dict(t101={{_base_.resnet8_w8}}),
    teacher_ckpts=dict(t101='checkpoints/feed/resnet8-w8_1xb64-1k_fashion-mnist_seed101.pth'))
