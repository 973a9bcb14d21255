from .fitnet_loss import FitNetLoss, fitnet_loss

__all__ = ['FitNetLoss', 'fitnet_loss']
