# LSFD, RCAN (10 x 20) -> RCAN-small (10 x 6), x4, DIV2K, the field's schedule: the
# paper's headline setting. The teacher comes from configs/rcan/rcan_x4g10b20c64_1xb16-300k_div2k.py.
# Taps: the output of every residual group (same index, both have 10 groups) would follow
# the paper more closely; the default distils the body output before the upsampler, like
# the EDSR configs. Add more entries to `distill_losses` to tap groups.
_base_ = [
    '../_base_/models/rcan_x4.py', '../_base_/datasets/div2k_x4.py',
    '../_base_/schedules/sr_adam_300k.py'
]

model = dict(
    type='FeatureDistill',
    student={{_base_.rcan_small}},
    teacher={{_base_.rcan}},
    teacher_ckpt='checkpoints/rcan_x4g10b20c64_1xb16-300k_div2k.pth',
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
