# Output KD at CPU scale, a baseline of the LSFD study: the student's SR output is pulled
# (L1) towards the frozen teacher's SR output, beside its own pixel loss to HR; no feature
# term. Same teacher, student, data, schedule and seed as
# lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py.
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/sr_demo_x4.py',
    '../_base_/schedules/sr_adam_demo.py'
]

model = dict(
    type='FeatureDistill',
    student={{_base_.edsr_demo_student}},
    teacher={{_base_.edsr_demo_teacher}},
    teacher_ckpt='checkpoints/edsr_x4c32b8_1xb8-4k_sr-demo.pth',
    teacher_precision='auto',  # channels-last; bf16 on GPUs and AMX CPUs, else fp32
    student_channels_last=True,  # faster on CPUs; equal up to fp32 rounding
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
randomness = dict(seed=0)
