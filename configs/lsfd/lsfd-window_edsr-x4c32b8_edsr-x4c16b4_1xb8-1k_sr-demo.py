# LSFD ablation, the window-averaged distance (3x3 regressor, local_mode='window', uniform
# weights): the same sum as the point-wise mean, so inside the map its gradient is FitNet's
# (tests/models/losses/test_lsfd_loss.py). This is FitNet with a 3x3 regressor: the "+local"
# row of the first study. Only the distillation term differs from
# lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py.
_base_ = './lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(distill_losses=dict(body=dict(connector=dict(kernel_size=3),
                                             loss=dict(local_mode='window', tau=None))))
