# The EDSR editors of edsr_x4.py at x2.
_base_ = './edsr_x4.py'

scale = 2
edsr_large = dict(generator=dict(upscale_factor=scale))
edsr_baseline = dict(generator=dict(upscale_factor=scale))
edsr_demo_teacher = dict(generator=dict(upscale_factor=scale))
edsr_demo_student = dict(generator=dict(upscale_factor=scale))
