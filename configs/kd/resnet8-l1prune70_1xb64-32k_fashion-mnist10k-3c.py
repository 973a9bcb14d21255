# resnet8-l1prune50_1xb64-8k_fashion-mnist10k-3c.py pruning harder: every channel unit keeps
# 30% of its channels, with its own fine-tune budget: 32k iterations (205 epochs of the
# 10k subset), where its budget curve flattens (README.md: 64k adds -0.28 points). No KD:
# the baseline of kd_resnet8_resnet8-l1prune70_1xb64-32k_fashion-mnist10k-3c.py.
_base_ = './resnet8-l1prune50_1xb64-8k_fashion-mnist10k-3c.py'
model = dict(target_pruning_ratio={unit: 0.3 for unit in _base_.pruned_units})
max_iters = 32000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=4000))  # resumable in parts
