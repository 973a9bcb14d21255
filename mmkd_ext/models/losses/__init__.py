from .fitnet_loss import FitNetLoss, fitnet_loss
from .lsfd_loss import LSFDLoss, lsfd_attention, lsfd_loss

__all__ = ['FitNetLoss', 'fitnet_loss', 'LSFDLoss', 'lsfd_loss', 'lsfd_attention']
