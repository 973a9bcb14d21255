# LSFD ablation, +selective (point-wise, teacher-student-difference attention).
# Only the distillation term differs from lsfd_edsr-x4c256b32_edsr-x4c64b16_1xb16-300k_div2k.py.
_base_ = './lsfd_edsr-x4c256b32_edsr-x4c64b16_1xb16-300k_div2k.py'

model = dict(distill_losses=dict(body=dict(connector=dict(kernel_size=1),
                                             loss=dict(local_mode='none', tau=1.0))))
