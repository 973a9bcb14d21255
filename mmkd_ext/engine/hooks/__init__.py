from .distill_visualization_hook import DistillVisualizationHook
from .feature_similarity_hook import FeatureSimilarityHook

__all__ = ['DistillVisualizationHook', 'FeatureSimilarityHook']
