from .feature_map_discriminator import FeatureMapDiscriminator

__all__ = ['FeatureMapDiscriminator']
