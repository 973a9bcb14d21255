# FAKD in the CPU-scale SR study: the spatial-affinity loss on the middle block's output plus output
# KD (L1 to the teacher's SR output), as in the FAKD paper. FitNet's study setting otherwise.
_base_ = '../fitnet/fitnet_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'

model = dict(
    distill_losses=dict(
        body=dict(connector=None, loss=dict(_delete_=True, type='FAKDLoss', loss_weight=1.0))),
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
# the affinity weight chosen on seed 0 among 1, 10, 100 (README.md, the sweep)
