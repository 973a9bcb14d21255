# The EDSR teacher (32 x 256, residual scaling 0.1) at x2, DIV2K, the field's schedule.
_base_ = [
    '../_base_/models/edsr_x2.py', '../_base_/datasets/div2k_x2.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = {{_base_.edsr_large}}
