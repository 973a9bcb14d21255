# The EDSR editors of edsr_x4.py at x2.
_base_ = './edsr_x4.py'

scale = 2
edsr_large = edsr_baseline = edsr_demo_teacher = edsr_demo_student = dict(
    generator=dict(upscale_factor=scale))
