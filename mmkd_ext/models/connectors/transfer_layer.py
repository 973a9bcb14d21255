"""AFD's transfer layer: maps a network's feature map to the channels the others share."""
from torch import Tensor, nn

from mmkd_ext.registry import MODELS

__all__ = ['TransferLayer']


@MODELS.register_module()
class TransferLayer(nn.Module):
    """1x1 convolution, BatchNorm and ReLU (AFD, Chung et al., ICML 2020, arXiv 2002.01775).

    Online algorithms build one only for a network whose tapped channels differ from the
    common channel count; the spatial size is kept (a 1x1 conv cannot resample).

    Args:
        in_channels (int): Channels of the network's feature map.
        out_channels (int): Common channels of the compared feature maps.
        act (bool): End with a ReLU, so the output lives where post-activation ResNet
            features live. Defaults to True.
    """

    def __init__(self, in_channels: int, out_channels: int, act: bool = True):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.act = nn.ReLU(inplace=True) if act else nn.Identity()

    def forward(self, feat: Tensor) -> Tensor:
        """(N, C_in, H, W) -> (N, C_out, H, W)."""
        return self.act(self.bn(self.conv(feat)))
