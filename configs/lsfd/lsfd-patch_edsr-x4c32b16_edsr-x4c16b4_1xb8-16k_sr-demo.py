# LSFD with the other local mode that ties the default in the sweep: unfolded k x k
# neighbourhoods normalised per window (local_mode='patch'). LSFD's study setting otherwise.
_base_ = './lsfd_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(loss=dict(local_mode='patch'))))
