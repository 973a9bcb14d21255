"""Convolutional regressor mapping a student feature to a teacher's channels."""
from torch import Tensor, nn

from mmkd_ext.registry import MODELS

__all__ = ['ConvRegressor']


@MODELS.register_module()
class ConvRegressor(nn.Module):
    """A single k x k convolution (FitNets' regressor ``r``), k in {1, 3}.

    The distillation algorithm fills ``in_channels`` / ``out_channels`` from the tapped
    features when the config leaves them out.

    Args:
        in_channels (int): Student feature channels.
        out_channels (int): Teacher feature channels.
        kernel_size (int): 1 (point-wise) or 3 (local). Defaults to 1.
        bias (bool): Defaults to True.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 1,
                 bias: bool = True):
        super().__init__()
        if kernel_size not in (1, 3):
            raise ValueError(f'ConvRegressor kernel_size must be 1 or 3, got {kernel_size!r}')
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size,
                              padding=kernel_size // 2, bias=bias)

    def forward(self, student_feat: Tensor) -> Tensor:
        """(N, C_s, H, W) -> (N, C_t, H, W)."""
        return self.conv(student_feat)
