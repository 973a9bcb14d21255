# The EDSR teacher of the full-scale SR configs: 32 blocks x 256 channels, residual scaling
# 0.1, x4, DIV2K, the field's schedule (mmagic ships only the 16 x 64 baseline).
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/div2k_x4.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = {{_base_.edsr_large}}
