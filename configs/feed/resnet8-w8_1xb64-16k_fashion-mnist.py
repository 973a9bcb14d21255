# The FEED study's teachers at their plateau: ResNet-8 (width 8) on Fashion-MNIST, 16k
# iterations (17 epochs) of SGD with cosine decay, validated every 2k iterations. Seeds
# 100 / 101 / 102 make the three teachers; whether 16k is the plateau is read from the
# same config at 4k and 8k (--cfg-options train_cfg.max_iters=N param_scheduler.T_max=N).
_base_ = './resnet8-w8_1xb64-1k_fashion-mnist.py'

max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000))
randomness = dict(seed=100)
