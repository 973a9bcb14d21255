# Baseline at K = 1: FitNet-style, one 1x1 regressor and the mean squared error per teacher
# instead of FEED's translator and factor loss (feed_1xresnet8-w8_*_16k otherwise).
_base_ = './feed_1xresnet8-w8_resnet8-w8_1xb64-16k_fashion-mnist10k.py'
# weight: the seed-0 sweep at K = 1 (configs/feed/README.md).
model = dict(
    translator=dict(_delete_=True, type='ConvRegressor', kernel_size=1),
    feat_loss=dict(_delete_=True, type='FitNetLoss', mode='l2'),
    feat_weight=0.1)
