"""Tiny mmagic editors for tests (<= 16 channels)."""
import torch
from mmagic.structures import DataSample


def tiny_editor(channels: int = 8, blocks: int = 2, scale: int = 2) -> dict:
    return dict(
        type='mmagic.BaseEditModel',
        generator=dict(
            type='mmagic.EDSRNet',
            in_channels=3,
            out_channels=3,
            mid_channels=channels,
            num_blocks=blocks,
            upscale_factor=scale),
        pixel_loss=dict(type='mmagic.L1Loss'),
        data_preprocessor=dict(
            type='mmagic.DataPreprocessor', mean=[0.] * 3, std=[255.] * 3))


def tiny_batch(n: int = 2, size: int = 8, scale: int = 2, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    lr = torch.rand(n, 3, size, size, generator=g)
    hr = torch.rand(n, 3, size * scale, size * scale, generator=g)
    return lr, DataSample(gt_img=hr)
