# The classification studies' protocol for L1-norm pruning (resnet8-l1prune50_1xb64-150_*):
# the 10k-subset teacher as the unpruned model, every channel unit keeping 50% of its
# channels, then an 8k-iteration fine-tune (51 epochs) on the first 10,000 training images,
# where the fine-tune's budget curve flattens (README.md: 16k adds 0.28 points). No KD: the
# baseline of kd_resnet8_resnet8-l1prune50_1xb64-8k_fashion-mnist10k-3c.py.
_base_ = './resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py'
float_checkpoint = 'checkpoints/kd/resnet8_1xb64-16k_fashion-mnist10k-3c.pth'
model = dict(
    architecture=dict(init_cfg=dict(checkpoint=float_checkpoint)),
    target_pruning_ratio={unit: 0.5 for unit in _base_.pruned_units})
train_dataloader = dict(dataset=dict(indices=10000))
max_iters = 8000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
