# The from-scratch students of the KD orthogonality study: cls_sgd_1k.py (SGD 0.1,
# Nesterov, cosine) shortened to 300 iterations, one validation and checkpoint at the end.
_base_ = './cls_sgd_1k.py'

max_iters = 300
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters, save_best=None))
