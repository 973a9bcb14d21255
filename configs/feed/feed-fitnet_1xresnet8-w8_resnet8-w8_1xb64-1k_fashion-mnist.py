# Baseline at K = 1: FitNet feature distillation, a 1x1 regressor and the mean squared error
# instead of FEED's translator and factor loss (feed_1xresnet8-w8 otherwise).
_base_ = './feed_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(
    translator=dict(_delete_=True, type='ConvRegressor', kernel_size=1),
    feat_loss=dict(_delete_=True, type='FitNetLoss', mode='l2'),
    feat_weight=1.0)
