# FAKD (ICIP 2020) at CPU scale, a baseline of the LSFD study, in the paper's form: the
# spatial affinity (cosine similarity between the channel vectors of all pairs of
# positions, (H*W)^2 values: 8 x 576^2 fp32 = 10.6 MB per map here) of the body output
# before the upsampler, plus L1 to the teacher's SR output. Weights after the authors'
# published command line (`10*SA`, `--alpha 0.5`: equal pixel and output terms), to be
# chosen by the study's sweep; the paper taps several residual groups. Same teacher,
# student, data, schedule and seed as lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py.
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
            loss=dict(type='FAKDLoss', loss_weight=10.0))),
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
randomness = dict(seed=0)
