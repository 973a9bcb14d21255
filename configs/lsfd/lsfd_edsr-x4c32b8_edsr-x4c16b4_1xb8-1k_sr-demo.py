# LSFD at CPU scale: the demo teacher (8 x 32) -> the demo student (4 x 16), x4, on the
# package data; same data, schedule and seed as the demo's FitNet and plain student.
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
    distill_losses=dict(
        body=dict(
            student='generator.upsample:input',
            teacher='generator.upsample:input',
            connector=dict(type='ConvRegressor', kernel_size=3),
            # local_mode left out: LSFDLoss's default (DEFAULT_LOCAL_MODE in
            # mmkd_ext/models/losses/lsfd_loss.py), chosen by the study in README.md
            loss=dict(
                type='LSFDLoss', distance='l1', kernel_size=3, tau=1.0, loss_weight=1.0))))
custom_hooks = [dict(type='DistillVisualizationHook', interval=500)]
randomness = dict(seed=0)
