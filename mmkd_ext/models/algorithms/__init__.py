from .feature_distill import FeatureDistill

__all__ = ['FeatureDistill']
