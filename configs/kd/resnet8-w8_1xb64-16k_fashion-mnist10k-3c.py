# The regularisation students' network alone on the classification studies' protocol:
# resnet8-w8_1xb64-300_fashion-mnist-3c.py trained from scratch for 16k iterations on the
# first 10,000 training images (the FEED study's student, here with the 3-channel stem of
# this study's data), validated every 2k.
_base_ = './resnet8-w8_1xb64-300_fashion-mnist-3c.py'
train_dataloader = dict(dataset=dict(indices=10000))
max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000))
