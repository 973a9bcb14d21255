# FAKD (ICIP 2020), EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4, DIV2K, the field's
# schedule: spatial affinity of the body output before the upsampler (16 x 2304^2 fp32 =
# 0.32 GiB per map for 48 x 48 LR patches), no regressor, plus L1 to the teacher's SR
# output. FitNet's DIV2K setting otherwise.
_base_ = '../fitnet/fitnet_edsr-x4c256b32_edsr-x4c64b16_1xb16-300k_div2k.py'

model = dict(
    teacher_precision='auto',  # channels-last; bf16 on GPUs and AMX CPUs, else fp32
    distill_losses=dict(
        body=dict(connector=None, loss=dict(_delete_=True, type='FAKDLoss', loss_weight=10.0))),
    output_loss=dict(type='mmagic.L1Loss', loss_weight=1.0))
