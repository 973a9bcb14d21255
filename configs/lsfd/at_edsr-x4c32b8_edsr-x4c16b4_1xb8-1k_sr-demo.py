# Attention transfer (AT, arXiv 1612.03928) at CPU scale, a baseline of the LSFD study:
# the spatial attention maps (channel mean of the squared feature, L2-normalised over
# positions) of the body output before the upsampler. The maps average over channels, so
# there is no regressor. Same teacher, student, data, schedule, tap and seed as
# lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py; loss_weight is AT's beta (1e3 in the
# paper), to be chosen by the study's sweep.
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
            loss=dict(type='ATLoss', loss_weight=1000.0))))
randomness = dict(seed=0)
