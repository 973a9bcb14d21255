# LSFD in the CPU-scale SR study: the study teacher (16 x 32) -> the student (4 x 16), x4,
# 16k iterations; FitNet's study setting (../fitnet/fitnet_edsr-x4c32b16_*) with a 3x3
# regressor and LSFD's loss at FitNet's tap. The ablation rows: lsfd-fitnet_*,
# lsfd-local_*, lsfd-selective_* (README.md).
_base_ = '../fitnet/fitnet_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(
    connector=dict(kernel_size=3),
    # local_mode left out: LSFDLoss's default (DEFAULT_LOCAL_MODE in
    # mmkd_ext/models/losses/lsfd_loss.py), chosen by the study in README.md
    loss=dict(_delete_=True, type='LSFDLoss', distance='l1', kernel_size=3, tau=1.0,
              loss_weight=1.0))))  # chosen on seed 0 at this tap: README.md, the sweep
