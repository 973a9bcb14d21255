# Baseline at K = 1: logit KD from the teacher, no feature term (feed_1xresnet8-w8 otherwise).
_base_ = './feed_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(feat_weight=0.0, kd_weight=1.0, temperature=4.0)
