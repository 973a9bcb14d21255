# Baseline at K = 3: FitNet-style multi-teacher feature distillation, one 1x1 regressor per
# teacher and the mean squared error (averaged over the teachers), instead of FEED's
# translators and factor loss (feed-fitnet_2xresnet8-w8 with a third teacher).
_base_ = './feed-fitnet_2xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(
    teachers=dict(t102={{_base_.resnet8_w8}}),
    teacher_ckpts=dict(t102='checkpoints/feed/resnet8-w8_1xb64-1k_fashion-mnist_seed102.pth'))
