from .distill_visualization_hook import DistillVisualizationHook

__all__ = ['DistillVisualizationHook']
