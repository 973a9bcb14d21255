# Short name: FitNet, EDSR (32 x 256) -> EDSR-baseline (16 x 64), x4, DIV2K.
_base_ = './fitnet_edsr-x4c256b32_edsr-x4c64b16_1xb16-300k_div2k.py'
