# The RCAN teacher (10 groups x 20 blocks x 64), x4, DIV2K, the field's schedule.
_base_ = [
    '../_base_/models/rcan_x4.py', '../_base_/datasets/div2k_x4.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = {{_base_.rcan}}
