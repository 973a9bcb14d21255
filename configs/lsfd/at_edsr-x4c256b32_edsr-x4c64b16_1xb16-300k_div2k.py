# Attention transfer (AT, arXiv 1612.03928), EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4,
# DIV2K, the field's schedule, at the body output before the upsampler (no regressor: the
# attention maps average over channels). FitNet's DIV2K setting otherwise.
_base_ = '../fitnet/fitnet_edsr-x4c256b32_edsr-x4c64b16_1xb16-300k_div2k.py'

model = dict(
    teacher_precision='auto',  # channels-last; bf16 on GPUs and AMX CPUs, else fp32
    distill_losses=dict(
        body=dict(connector=None, loss=dict(_delete_=True, type='ATLoss', loss_weight=1e3))))
