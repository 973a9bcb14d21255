# Output KD at CPU scale, a baseline of the LSFD study: the student's SR output is pulled
# (L1) towards the frozen teacher's SR output, beside its own pixel loss to HR; no feature
# term. FitNet's demo setting otherwise (teacher, student, data, schedule, seed).
_base_ = '../fitnet/fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(distill_losses=None, output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
