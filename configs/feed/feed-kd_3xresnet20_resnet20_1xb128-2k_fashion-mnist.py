# Baseline: logit KD from the mean softmax of the three teachers, no feature term.
_base_ = './feed_3xresnet20_resnet20_1xb128-2k_fashion-mnist.py'
model = dict(feat_weight=0.0, kd_weight=1.0, temperature=4.0)
