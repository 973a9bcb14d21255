from .dml_loss import DMLLoss, dml_loss
from .factor_transfer_loss import FactorTransferLoss, factor_loss
from .kd_loss import KDLoss, kd_loss
from .fitnet_loss import FitNetLoss, fitnet_loss
from .lsfd_loss import LSFDLoss, lsfd_attention, lsfd_loss
from .lsgan_loss import (LSGANDiscriminatorLoss, LSGANGeneratorLoss, lsgan_d_loss,
                         lsgan_g_loss)
from .perceptual_style_loss import PerceptualStyleLoss

__all__ = [
    'FactorTransferLoss', 'factor_loss', 'FitNetLoss', 'fitnet_loss', 'LSFDLoss', 'lsfd_loss',
    'lsfd_attention', 'DMLLoss', 'dml_loss', 'LSGANDiscriminatorLoss', 'LSGANGeneratorLoss',
    'lsgan_d_loss', 'lsgan_g_loss', 'PerceptualStyleLoss', 'KDLoss', 'kd_loss'
]
