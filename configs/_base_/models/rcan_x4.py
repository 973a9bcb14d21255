# RCAN editors at x4 (Zhang et al., ECCV 2018), as mmagic BaseEditModels with mmkd_ext's
# RCANNet. The long names say groups x blocks x channels.
scale = 4
_rcan = dict(
    type='RCANNet',
    in_channels=3,
    out_channels=3,
    mid_channels=64,
    squeeze_factor=16,
    upscale_factor=scale,
    rgb_mean=[0.4488, 0.4371, 0.4040],
    rgb_std=[1.0, 1.0, 1.0])
_editor = dict(
    type='mmagic.BaseEditModel',
    pixel_loss=dict(type='mmagic.L1Loss', loss_weight=1.0, reduction='mean'),
    data_preprocessor=dict(
        type='mmagic.DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))

# RCAN as in the paper: 10 residual groups x 20 channel-attention blocks x 64 channels.
rcan = dict(_editor, generator=dict(_rcan, num_groups=10, num_blocks=20))
# RCAN-small, the LSFD paper's student: 10 groups x 6 blocks.
rcan_small = dict(_editor, generator=dict(_rcan, num_groups=10, num_blocks=6))
