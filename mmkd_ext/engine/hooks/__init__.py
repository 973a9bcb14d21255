from .atomic_checkpoint_hook import AtomicCheckpointHook
from .distill_visualization_hook import DistillVisualizationHook
from .feature_similarity_hook import FeatureSimilarityHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .random_state_hook import RandomStateHook
from .sgn_mix_grid_hook import SGNMixGridHook
from .teacher_validation_hook import TeacherValidationHook

__all__ = [
    'AtomicCheckpointHook', 'DistillVisualizationHook', 'FeatureSimilarityHook',
    'NonFiniteLossError', 'NonFiniteLossHook', 'RandomStateHook', 'SGNMixGridHook',
    'TeacherValidationHook'
]
