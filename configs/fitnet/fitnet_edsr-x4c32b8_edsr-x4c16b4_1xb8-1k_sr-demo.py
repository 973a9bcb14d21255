# FitNet at CPU scale: the demo teacher (8 x 32) -> the demo student (4 x 16), x4, same data,
# schedule and seed as configs/edsr/edsr_x4c16b4_1xb8-1k_sr-demo.py.
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/sr_demo_x4.py',
    '../_base_/schedules/sr_adam_demo.py', '../_base_/distill/fitnet_body.py'
]

model = dict(
    student={{_base_.edsr_demo_student}},
    teacher={{_base_.edsr_demo_teacher}},
    teacher_ckpt='checkpoints/edsr_x4c32b8_1xb8-4k_sr-demo.pth',
    teacher_precision='auto',  # channels-last; bf16 on GPUs and AMX CPUs, else fp32
    student_channels_last=True)  # faster on CPUs; equal up to fp32 rounding
randomness = dict(seed=0)
