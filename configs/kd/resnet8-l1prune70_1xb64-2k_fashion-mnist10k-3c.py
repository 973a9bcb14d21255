# resnet8-l1prune50_1xb64-2k_fashion-mnist10k-3c.py pruning harder: every channel unit keeps
# 30% of its channels. No KD: the baseline of
# kd_resnet8_resnet8-l1prune70_1xb64-2k_fashion-mnist10k-3c.py.
_base_ = './resnet8-l1prune50_1xb64-2k_fashion-mnist10k-3c.py'
model = dict(target_pruning_ratio={unit: 0.3 for unit in _base_.pruned_units})
