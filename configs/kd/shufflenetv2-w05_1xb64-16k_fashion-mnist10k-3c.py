# Cheap convolutions on the classification studies' protocol: ShuffleNetV2 x0.5
# (shufflenetv2-w05_1xb64-300_fashion-mnist-3c.py) from scratch, 16k iterations on the first
# 10,000 training images, validated every 2k. No KD.
_base_ = './shufflenetv2-w05_1xb64-300_fashion-mnist-3c.py'
train_dataloader = dict(dataset=dict(indices=10000))
max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000))
