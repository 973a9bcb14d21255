# The CPU-scale SR study's student alone (4 blocks x 16 channels, x4) at the study budget:
# 16k iterations, cosine decay over 16k, validated on bench14 every 2k. The 1k demo config
# otherwise (data, batch 8 of 24x24 LR patches, Adam 5e-4, seed 0).
#   python tools/train.py configs/edsr/edsr_x4c16b4_1xb8-16k_sr-demo.py
_base_ = './edsr_x4c16b4_1xb8-1k_sr-demo.py'

max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000), logger=dict(interval=200))
