# LSFD ablation, +selective: the attention on the point-wise distance, a 1x1 regressor.
_base_ = './lsfd_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(connector=dict(kernel_size=1),
                                             loss=dict(local_mode='none', tau=1.0))))
