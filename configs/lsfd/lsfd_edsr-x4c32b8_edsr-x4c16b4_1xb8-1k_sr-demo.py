# LSFD at CPU scale: the demo teacher (8 x 32) -> the demo student (4 x 16), x4, on the
# package data; FitNet's demo config (same data, schedule, seed and tap as the demo's
# FitNet and plain student) with a 3x3 regressor and LSFD's loss.
_base_ = '../fitnet/fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(
    connector=dict(kernel_size=3),
    # local_mode left out: LSFDLoss's default (DEFAULT_LOCAL_MODE in
    # mmkd_ext/models/losses/lsfd_loss.py), chosen by the study in README.md
    loss=dict(_delete_=True, type='LSFDLoss', distance='l1', kernel_size=3, tau=1.0,
              loss_weight=1.0))))
custom_hooks = [dict(type='DistillVisualizationHook', interval=500)]
