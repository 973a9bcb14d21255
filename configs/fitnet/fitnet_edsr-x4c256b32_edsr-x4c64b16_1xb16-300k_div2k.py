# FitNet feature distillation, EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4, DIV2K,
# the field's schedule. Train the teacher first with
# configs/edsr/edsr_x4c256b32_1xb16-300k_div2k.py and put (or point) its checkpoint here.
# The term, at the body output before the upsampler: configs/_base_/distill/fitnet_body.py.
_base_ = [
    '../_base_/models/edsr_x4.py', '../_base_/datasets/div2k_x4.py',
    '../_base_/schedules/sr_adam_300k.py', '../_base_/distill/fitnet_body.py'
]

teacher_ckpt = 'checkpoints/edsr_x4c256b32_1xb16-300k_div2k.pth'
model = dict(
    student={{_base_.edsr_baseline}}, teacher={{_base_.edsr_large}}, teacher_ckpt=teacher_ckpt)
