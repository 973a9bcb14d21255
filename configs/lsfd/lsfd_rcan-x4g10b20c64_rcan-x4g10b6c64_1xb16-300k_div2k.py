# LSFD, RCAN (10 x 20) -> RCAN-small (10 x 6), x4, DIV2K, the field's schedule: the
# paper's headline setting. The teacher comes from
# configs/rcan/rcan_x4g10b20c64_1xb16-300k_div2k.py.
# Taps: the output of every residual group (same index, both have 10 groups) would follow
# the paper more closely; the default distils the body output before the upsampler, like
# the EDSR configs (configs/_base_/distill/lsfd_div2k.py). Add more entries to
# `distill_losses` to tap groups.
_base_ = [
    '../_base_/models/rcan_x4.py', '../_base_/datasets/div2k_x4.py',
    '../_base_/distill/lsfd_div2k.py'
]

model = dict(student={{_base_.rcan_small}}, teacher={{_base_.rcan}},
             teacher_ckpt='checkpoints/rcan_x4g10b20c64_1xb16-300k_div2k.pth')
