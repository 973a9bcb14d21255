# Output KD, EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4, DIV2K, the field's schedule:
# L1 to the teacher's SR output beside the pixel loss, no feature term. FitNet's DIV2K
# setting otherwise.
_base_ = '../fitnet/fitnet_edsr-x4c256b32_edsr-x4c64b16_1xb16-300k_div2k.py'

model = dict(
    teacher_precision='auto',  # channels-last; bf16 on GPUs and AMX CPUs, else fp32
    distill_losses=None,
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
