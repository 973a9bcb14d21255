# FAKD (ICIP 2020) at CPU scale, a baseline of the LSFD study, in the paper's form: the
# spatial affinity (cosine similarity between the channel vectors of all pairs of
# positions, (H*W)^2 values: 8 x 576^2 fp32 = 10.6 MB per map here) of the body output
# before the upsampler, no regressor, plus L1 to the teacher's SR output. Weights after
# the authors' published command line (`10*SA`, `--alpha 0.5`: equal pixel and output
# terms), for the study to sweep; the paper taps several residual groups. FitNet's demo
# setting otherwise (teacher, student, data, schedule, seed).
_base_ = '../fitnet/fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(
    distill_losses=dict(
        body=dict(connector=None, loss=dict(_delete_=True, type='FAKDLoss', loss_weight=10.0))),
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
