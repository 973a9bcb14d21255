# The CPU-scale student trained alone (4 blocks x 16 channels, x4): the baseline of the demo.
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/sr_demo_x4.py',
    '../_base_/schedules/sr_adam_demo.py'
]

model = {{_base_.edsr_demo_student}}
randomness = dict(seed=0)
