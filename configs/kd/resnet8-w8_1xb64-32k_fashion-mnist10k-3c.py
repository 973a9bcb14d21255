# resnet8-w8_1xb64-16k_fashion-mnist10k-3c.py at its plateau: 32k iterations (a further
# doubling to 64k adds 0.14 points on seed 0), validated every 8k.
_base_ = './resnet8-w8_1xb64-16k_fashion-mnist10k-3c.py'
max_iters = 32000
train_cfg = dict(max_iters=max_iters, val_interval=8000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=4000))
