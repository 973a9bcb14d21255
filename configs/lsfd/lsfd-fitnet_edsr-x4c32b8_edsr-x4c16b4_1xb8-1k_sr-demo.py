# LSFD ablation, FitNet (point-wise, uniform weights; equals FitNetLoss exactly).
# Only the distillation term differs from lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py.
_base_ = './lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(connector=dict(kernel_size=1),
                                             loss=dict(local_mode='none', tau=None))))
