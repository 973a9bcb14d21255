# The KD-on-compression study's teacher at its plateau: ResNet-8 on Fashion-MNIST repeated
# to 3 channels, 16k iterations (17 epochs) of SGD with cosine decay, validated every 2k.
_base_ = './resnet8_1xb64-1k_fashion-mnist-3c.py'

max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000))
randomness = dict(seed=0)
