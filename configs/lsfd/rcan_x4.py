# Short name: LSFD, RCAN (10 x 20) -> RCAN-small (10 x 6), x4, DIV2K.
_base_ = './lsfd_rcan-x4g10b20c64_rcan-x4g10b6c64_1xb16-300k_div2k.py'
