# FAKD (ICIP 2020), EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4, DIV2K, the field's
# schedule: spatial affinity of the body output before the upsampler (16 x 2304^2 fp32 =
# 0.32 GiB per map for 48 x 48 LR patches) plus L1 to the teacher's SR output. The teacher
# comes from configs/edsr/edsr_x4c256b32_1xb16-300k_div2k.py.
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/div2k_x4.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = dict(
    type='FeatureDistill',
    student={{_base_.edsr_baseline}},
    teacher={{_base_.edsr_large}},
    teacher_ckpt='checkpoints/edsr_x4c256b32_1xb16-300k_div2k.pth',
    teacher_precision='auto',  # channels-last; bf16 on GPUs and AMX CPUs, else fp32
    distill_losses=dict(
        body=dict(
            student='generator.upsample:input',
            teacher='generator.upsample:input',
            loss=dict(type='FAKDLoss', loss_weight=10.0))),
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
