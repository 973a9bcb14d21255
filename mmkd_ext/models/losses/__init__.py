from .at_loss import ATLoss, at_loss, attention_map
from .dml_loss import DMLLoss, dml_loss
from .factor_transfer_loss import FactorTransferLoss, factor_loss
from .fakd_loss import FAKDLoss, fakd_loss, spatial_affinity
from .fitnet_loss import FitNetLoss, fitnet_loss
from .kd_loss import KDLoss, kd_loss
from .lsfd_loss import LSFDLoss, local_affinity, lsfd_attention, lsfd_loss
from .lsgan_loss import LSGANDiscriminatorLoss, LSGANGeneratorLoss, lsgan_d_loss, lsgan_g_loss
from .perceptual_style_loss import PerceptualStyleLoss

__all__ = [
    'FactorTransferLoss', 'factor_loss', 'FitNetLoss', 'fitnet_loss', 'LSFDLoss', 'lsfd_loss',
    'lsfd_attention', 'local_affinity', 'ATLoss', 'at_loss', 'attention_map', 'FAKDLoss',
    'fakd_loss', 'spatial_affinity', 'DMLLoss', 'dml_loss', 'LSGANDiscriminatorLoss',
    'LSGANGeneratorLoss', 'lsgan_d_loss', 'lsgan_g_loss', 'PerceptualStyleLoss', 'KDLoss',
    'kd_loss'
]
