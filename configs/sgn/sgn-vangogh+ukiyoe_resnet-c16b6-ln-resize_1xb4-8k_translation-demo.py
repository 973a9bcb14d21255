# The CPU-scale setting of configs/sgn/README.md: the 8k config's generator (16 channels,
# 6 residual blocks, gate width C/4, PyTorch's initialisation) with two measured changes:
# - a layer norm (GroupNorm with one group: one mean and variance over C x H x W per image)
#   instead of InstanceNorm. InstanceNorm removes each feature map's mean and variance per
#   image, so a 16-channel generator cannot carry a photo's colours to its output: trained
#   on the reconstruction term alone (s = photo), it stays near 18.5 dB on the held-out
#   photos, against 22-24 dB with the layer norm (README, "Choosing the CPU-scale setting");
# - resize + convolution upsampling (nearest) instead of the transposed convolutions,
#   against the checkerboard pattern they paint.
# Everything else (data, terms, Adam 2e-4, 8k iterations, decay over the second half) is
# the 8k config's.
_base_ = ['./sgn-vangogh+ukiyoe_resnet-c16b6_1xb4-8k_translation-demo.py']

model = dict(generator=dict(norm_cfg=dict(type='GN', num_groups=1), upsample='nearest'))
