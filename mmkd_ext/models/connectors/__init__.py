from .conv_regressor import ConvRegressor

__all__ = ['ConvRegressor']
