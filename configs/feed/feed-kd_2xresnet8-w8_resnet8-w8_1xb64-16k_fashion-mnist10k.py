# Baseline at K = 2: logit KD from the mean softmax of the teachers (T = 2), no feature
# term (feed_2xresnet8-w8_*_16k otherwise).
_base_ = './feed_2xresnet8-w8_resnet8-w8_1xb64-16k_fashion-mnist10k.py'
# T: the seed-0 sweep at K = 1 (configs/feed/README.md).
model = dict(feat_weight=0.0, kd_weight=1.0, temperature=2.0)
