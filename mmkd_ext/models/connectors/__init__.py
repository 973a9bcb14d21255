from .conv_regressor import ConvRegressor
from .feed_translator import FEEDTranslator
from .transfer_layer import TransferLayer

__all__ = ['ConvRegressor', 'FEEDTranslator', 'TransferLayer']
