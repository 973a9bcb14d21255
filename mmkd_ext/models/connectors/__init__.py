from .conv_regressor import ConvRegressor
from .feed_translator import FEEDTranslator

__all__ = ['ConvRegressor', 'FEEDTranslator']
