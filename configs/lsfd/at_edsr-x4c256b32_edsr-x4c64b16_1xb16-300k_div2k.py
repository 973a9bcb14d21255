# Attention transfer (AT, arXiv 1612.03928), EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4,
# DIV2K, the field's schedule, at the body output before the upsampler (no regressor: the
# attention maps average over channels). The teacher comes from
# configs/edsr/edsr_x4c256b32_1xb16-300k_div2k.py.
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
            loss=dict(type='ATLoss', loss_weight=1000.0))))
