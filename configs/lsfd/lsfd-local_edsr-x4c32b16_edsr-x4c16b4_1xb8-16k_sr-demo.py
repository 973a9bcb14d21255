# LSFD ablation, +local: the default local mode with a 3x3 regressor, no attention.
_base_ = './lsfd_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(loss=dict(tau=None))))
