# EDSR editors at x4 (Lim et al., CVPRW 2017), as mmagic BaseEditModels. Method configs
# pick them with `{{_base_.edsr_baseline}}` etc.; the long names say channels x blocks.
# edsr_x2.py and edsr_x3.py set `scale` and each editor's upscale factor from it.
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


def _editor(mid_channels: int, num_blocks: int, res_scale: float = 1) -> dict:
    """An EDSR of ``num_blocks`` residual blocks x ``mid_channels`` channels."""
    generator = dict(
        _generator, mid_channels=mid_channels, num_blocks=num_blocks, res_scale=res_scale)
    return dict(type='mmagic.BaseEditModel', generator=generator, pixel_loss=_pixel_loss,
                data_preprocessor=_preprocessor)


# EDSR (the paper's large model): 32 blocks x 256 channels, residual scaling 0.1.
edsr_large = _editor(256, 32, res_scale=0.1)
# EDSR-baseline: 16 blocks x 64 channels.
edsr_baseline = _editor(64, 16)
# CPU-scale pair for the demo data: teacher 8 blocks x 32, student 4 blocks x 16.
edsr_demo_teacher = _editor(32, 8)
edsr_demo_student = _editor(16, 4)
# the CPU-scale study teacher (configs/edsr/edsr_x4c32b16_1xb16-20k_sr-demo.py): 16 blocks x 32
edsr_study_teacher = _editor(32, 16)
