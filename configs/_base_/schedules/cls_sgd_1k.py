# CPU-scale classification schedule of the studies: SGD 0.1 (momentum 0.9, wd 5e-4,
# Nesterov), 1k iterations with cosine decay, validation every 500 iterations, the best
# top-1 checkpoint kept.
_base_ = './cls_sgd_2k.py'

max_iters = 1000
train_cfg = dict(max_iters=max_iters)
param_scheduler = dict(T_max=max_iters)
