# The EDSR teacher (32 x 256, residual scaling 0.1) at x3, DIV2K, the field's schedule.
_base_ = [
    '../_base_/models/edsr_x3.py', '../_base_/datasets/div2k_x3.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = {{_base_.edsr_large}}
