from .afd import AFD
from .feature_distill import FeatureDistill
from .feed import FEED

__all__ = ['AFD', 'FeatureDistill', 'FEED']
