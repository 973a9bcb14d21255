# EDSR editors at x4 (Lim et al., CVPRW 2017), as mmagic BaseEditModels. Method configs
# pick them with `{{_base_.edsr_baseline}}` etc.; the long names say channels x blocks.
scale = 4
_preprocessor = dict(type='mmagic.DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.])
_pixel_loss = dict(type='mmagic.L1Loss', loss_weight=1.0, reduction='mean')
_generator = dict(
    type='mmagic.EDSRNet',
    in_channels=3,
    out_channels=3,
    upscale_factor=scale,
    rgb_mean=[0.4488, 0.4371, 0.4040],
    rgb_std=[1.0, 1.0, 1.0])

# EDSR (the paper's large model): 32 blocks x 256 channels, residual scaling 0.1.
edsr_large = dict(
    type='mmagic.BaseEditModel',
    generator=dict(_generator, mid_channels=256, num_blocks=32, res_scale=0.1),
    pixel_loss=_pixel_loss,
    data_preprocessor=_preprocessor)
# EDSR-baseline: 16 blocks x 64 channels.
edsr_baseline = dict(
    type='mmagic.BaseEditModel',
    generator=dict(_generator, mid_channels=64, num_blocks=16, res_scale=1),
    pixel_loss=_pixel_loss,
    data_preprocessor=_preprocessor)
# CPU-scale pair for the demo data: teacher 8 blocks x 32, student 4 blocks x 16.
edsr_demo_teacher = dict(
    type='mmagic.BaseEditModel',
    generator=dict(_generator, mid_channels=32, num_blocks=8, res_scale=1),
    pixel_loss=_pixel_loss,
    data_preprocessor=_preprocessor)
edsr_demo_student = dict(
    type='mmagic.BaseEditModel',
    generator=dict(_generator, mid_channels=16, num_blocks=4, res_scale=1),
    pixel_loss=_pixel_loss,
    data_preprocessor=_preprocessor)
