from .factor_transfer_loss import FactorTransferLoss, factor_loss
from .fitnet_loss import FitNetLoss, fitnet_loss
from .lsfd_loss import LSFDLoss, lsfd_attention, lsfd_loss

__all__ = [
    'FactorTransferLoss', 'factor_loss', 'FitNetLoss', 'fitnet_loss', 'LSFDLoss', 'lsfd_loss',
    'lsfd_attention'
]
