# The CPU-scale EDSR teacher of the demo (8 blocks x 32 channels, x4) on the package data.
# `make demo` uses the checkpoint in checkpoints/ that this config produced (see its log
# there); retrain with: python tools/train.py configs/edsr/edsr_x4c32b8_1xb8-4k_sr-demo.py
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/sr_demo_x4.py',
    '../_base_/schedules/sr_adam_demo.py'
]

model = {{_base_.edsr_demo_teacher}}
max_iters = 4000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = dict(T_max=max_iters)
randomness = dict(seed=0)
