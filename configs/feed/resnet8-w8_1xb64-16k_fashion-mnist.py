# ResNet-8 (width 8) on the full Fashion-MNIST training set, 16k iterations (17 epochs) of
# SGD with cosine decay, validated every 2k: where the full set stands (16k is not its
# plateau: 32k adds 0.62 points, README.md), and the base of the studies' 10k-image setting
# (resnet8-w8_1xb64-16k_fashion-mnist10k.py: the teachers and the student alone).
_base_ = './resnet8-w8_1xb64-1k_fashion-mnist.py'

max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000))
randomness = dict(seed=100)
