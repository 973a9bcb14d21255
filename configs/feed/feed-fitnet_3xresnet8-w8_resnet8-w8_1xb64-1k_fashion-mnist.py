# Baseline: FitNet-style multi-teacher feature distillation, one 1x1 regressor per teacher
# and the mean squared error, instead of FEED's translators and factor loss.
_base_ = './feed_3xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(
    translator=dict(_delete_=True, type='ConvRegressor', kernel_size=1),
    feat_loss=dict(_delete_=True, type='FitNetLoss', mode='l2'),
    feat_weight=1.0)
