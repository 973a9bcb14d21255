# LSFD, EDSR (32 x 256) -> EDSR-baseline (16 x 64), x3, DIV2K, the field's schedule.
# The teacher comes from configs/edsr/edsr_x3c256b32_1xb16-300k_div2k.py; the term,
# precision and hooks that the DIV2K configs share: configs/_base_/distill/lsfd_div2k.py.
_base_ = [
    '../_base_/models/edsr_x3.py', '../_base_/datasets/div2k_x3.py',
    '../_base_/distill/lsfd_div2k.py'
]

model = dict(student={{_base_.edsr_baseline}}, teacher={{_base_.edsr_large}},
             teacher_ckpt='checkpoints/edsr_x3c256b32_1xb16-300k_div2k.pth')
