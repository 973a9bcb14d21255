# Baseline at K = 2: logit KD from the mean softmax of the two teachers, no feature term.
_base_ = './feed_2xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
model = dict(feat_weight=0.0, kd_weight=1.0, temperature=4.0)
