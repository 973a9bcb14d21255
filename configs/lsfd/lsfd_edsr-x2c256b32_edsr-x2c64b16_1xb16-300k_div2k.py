# LSFD, EDSR (32 x 256) -> EDSR-baseline (16 x 64), x2, DIV2K, the field's schedule.
# The teacher comes from configs/edsr/edsr_x2c256b32_1xb16-300k_div2k.py.
_base_ = [
    '../_base_/models/edsr_x2.py', '../_base_/datasets/div2k_x2.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = dict(
    type='FeatureDistill',
    student={{_base_.edsr_baseline}},
    teacher={{_base_.edsr_large}},
    teacher_ckpt='checkpoints/edsr_x2c256b32_1xb16-300k_div2k.pth',
    teacher_precision='auto',  # bf16 on GPUs and AMX CPUs, fp32 where bf16 is emulated
    teacher_channels_last=True,
    distill_losses=dict(
        body=dict(
            student='generator.upsample:input',
            teacher='generator.upsample:input',
            connector=dict(type='ConvRegressor', kernel_size=3),
            # local_mode left out: LSFDLoss's default (DEFAULT_LOCAL_MODE in
            # mmkd_ext/models/losses/lsfd_loss.py), chosen by the study in README.md
            loss=dict(
                type='LSFDLoss', distance='l1', kernel_size=3, tau=1.0, loss_weight=1.0))))
custom_hooks = [dict(type='DistillVisualizationHook', interval=5000)]
