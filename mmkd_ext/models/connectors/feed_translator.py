"""FEED's non-linear translator from the student's feature to one teacher's channels."""
from torch import Tensor, nn

from mmkd_ext.registry import MODELS

__all__ = ['FEEDTranslator']


@MODELS.register_module()
class FEEDTranslator(nn.Sequential):
    """``num_layers`` x [conv3x3, BatchNorm, LeakyReLU] (FEED, ECAI 2020, arXiv 1909.10754).

    The first convolution maps ``in_channels`` to ``out_channels``, the others keep
    ``out_channels``; the spatial size is preserved. The FEED algorithm fills the channels
    from the tapped features when the config leaves them out, and the translator is dropped
    with the rest of the algorithm when the student is extracted.

    Args:
        in_channels (int): Student feature channels.
        out_channels (int): Teacher feature channels.
        num_layers (int): Number of conv-BN-LeakyReLU blocks, >= 1. Defaults to 3.
        negative_slope (float): LeakyReLU slope. Defaults to 0.1.
    """

    def __init__(self, in_channels: int, out_channels: int, num_layers: int = 3,
                 negative_slope: float = 0.1):
        if not isinstance(num_layers, int) or num_layers < 1:
            raise ValueError(f'FEEDTranslator num_layers must be an int >= 1, got {num_layers!r}')
        for name, value in (('in_channels', in_channels), ('out_channels', out_channels)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'FEEDTranslator {name} must be an int >= 1, got {value!r}')
        layers = []
        for i in range(num_layers):
            layers += [
                nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1,
                          bias=False),
                nn.BatchNorm2d(out_channels),
                nn.LeakyReLU(negative_slope)
            ]
        super().__init__(*layers)
        self.in_channels, self.out_channels = in_channels, out_channels

    def forward(self, student_feat: Tensor) -> Tensor:
        """(N, C_s, H, W) -> (N, C_t, H, W)."""
        return super().forward(student_feat)
