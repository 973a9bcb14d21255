"""Tiny MMRazor compression students (1 x 16 x 16 inputs, <= 16 channels) for KD tests."""
import copy
from typing import Optional

from tests.models._classifiers import tiny_classifier

LSQ_QCONFIG = dict(
    w_observer=dict(type='mmrazor.LSQPerChannelObserver'),
    a_observer=dict(type='mmrazor.LSQObserver'),
    w_fake_quant=dict(type='mmrazor.LearnableFakeQuantize'),
    a_fake_quant=dict(type='mmrazor.LearnableFakeQuantize'),
    w_qscheme=dict(qdtype='qint8', bit=8, is_symmetry=True, is_symmetric_range=True),
    a_qscheme=dict(qdtype='quint8', bit=8, is_symmetry=True))
PRUNE_UNITS = ('backbone.layer1.0.conv1_(0, 4)_4', 'backbone.layer2.0.conv1_(0, 8)_8')


def quant_student(qconfig: Optional[dict] = None, quantizer: str = 'mmrazor.OpenVINOQuantizer',
                  width: int = 4) -> dict:
    """MMRazor's LSQ / OpenVINO QAT recipe around a tiny CIFAR ResNet-8."""
    return dict(
        _scope_='mmrazor',
        type='MMArchitectureQuant',
        architecture=tiny_classifier(width),
        input_shapes=(1, 1, 16, 16),
        quantizer=dict(
            type=quantizer,
            global_qconfig=copy.deepcopy(qconfig or LSQ_QCONFIG),
            tracer=dict(
                type='mmrazor.CustomTracer',
                skipped_methods=[
                    'mmcls.models.heads.ClsHead._get_loss',
                    'mmcls.models.heads.ClsHead._get_predictions'
                ])))


def prune_student(targets: Optional[dict] = None, width: int = 4) -> dict:
    """MMRazor's L1-norm ``ItePruneAlgorithm`` around a tiny CIFAR ResNet-8."""
    return dict(
        _scope_='mmrazor',
        type='ItePruneAlgorithm',
        architecture=tiny_classifier(width),
        mutator_cfg=dict(
            type='ChannelMutator',
            channel_unit_cfg=dict(type='L1MutableChannelUnit',
                                  default_args=dict(choice_mode='ratio')),
            parse_cfg=dict(type='ChannelAnalyzer', demo_input=(1, 1, 16, 16),
                           tracer_type='BackwardTracer')),
        target_pruning_ratio=targets if targets is not None else dict.fromkeys(PRUNE_UNITS, 0.5))


def kd(student: dict, teacher_width: int = 8, **kwargs) -> dict:
    """``LogitKD`` of ``student`` from a random tiny teacher (no checkpoint)."""
    teacher = tiny_classifier(teacher_width)
    teacher.pop('data_preprocessor')
    return dict(type='LogitKD', student=student, teacher=teacher, probe_shape=(1, 16, 16),
                **kwargs)
