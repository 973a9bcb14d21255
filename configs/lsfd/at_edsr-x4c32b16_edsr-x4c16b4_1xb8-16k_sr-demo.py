# Attention transfer in the CPU-scale SR study: ATLoss on the middle block's output (no
# connector: the attention maps are channel-free). FitNet's study setting otherwise.
_base_ = '../fitnet/fitnet_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'

model = dict(
    distill_losses=dict(
        body=dict(connector=None, loss=dict(_delete_=True, type='ATLoss', loss_weight=1e2))))
# the weight chosen on seed 0 among 1e2, 1e3, 1e4 (README.md, the sweep)
