from .afd import AFD
from .feature_distill import FeatureDistill
from .feed import FEED
from .kd import LogitKD
from .sgn import SGN

__all__ = ['AFD', 'FeatureDistill', 'FEED', 'LogitKD', 'SGN']
