# What the LSFD configs at DIV2K scale share (configs/lsfd/lsfd_*_div2k.py): the field's
# schedule, FitNet's tap with a 3x3 regressor and LSFDLoss, the teacher in the device's
# fast precision, attention maps every 5k iterations. A config adds the scale's models and
# data, and the pair.
_base_ = ['../schedules/sr_adam_300k.py', './fitnet_body.py']

model = dict(
    teacher_precision='auto',  # bf16 on GPUs and AMX CPUs, fp32 where bf16 is emulated
    teacher_channels_last=True,
    distill_losses=dict(body=dict(
        connector=dict(kernel_size=3),
        # local_mode left out: LSFDLoss's default (DEFAULT_LOCAL_MODE in
        # mmkd_ext/models/losses/lsfd_loss.py), chosen by the study in configs/lsfd/README.md
        loss=dict(_delete_=True, type='LSFDLoss', distance='l1', kernel_size=3, tau=1.0,
                  loss_weight=1.0))))
custom_hooks = [dict(type='DistillVisualizationHook', interval=5000)]
