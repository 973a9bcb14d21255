# Attention transfer (AT, arXiv 1612.03928) at CPU scale, a baseline of the LSFD study:
# the spatial attention maps (channel mean of the squared feature, L2-normalised over
# positions) of the body output before the upsampler. The maps average over channels, so
# there is no regressor. FitNet's demo setting otherwise (teacher, student, data, tap,
# schedule, seed); loss_weight is AT's beta (1e3 in the paper), for the study to sweep.
_base_ = '../fitnet/fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(
    distill_losses=dict(
        body=dict(connector=None, loss=dict(_delete_=True, type='ATLoss', loss_weight=1e3))))
