# FitNet plus output KD (L1 to the teacher's SR output, weight 1), as FAKD combines them.
# Only the output term differs from fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py.
_base_ = './fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
