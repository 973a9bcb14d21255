"""Logit KD for mmpretrain classifiers, also when the student is an MMRazor compression
wrapper (a pruned or quantization-aware-trained classifier)."""
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.model import BaseModel
from torch import nn

from mmkd_ext.registry import MODELS

from ..losses.kd_loss import kd_loss
from .base import (
    FastTeacher,
    StudentForwardMixin,
    TeacherEvalMixin,
    build_frozen_teacher,
    build_model,
)
from .kd_students import check_pruning_targets, check_quant_cfg, classifier_of, is_quantized
from .plumbing import build_tapped_terms

__all__ = ['LogitKD']


@MODELS.register_module()
class LogitKD(StudentForwardMixin, TeacherEvalMixin, BaseModel):
    """Logit KD stacked on other efficiency techniques: "On the Orthogonality of Knowledge
    Distillation with Other Techniques: From an Ensemble Perspective" (arXiv 2009.04120),
    with Hinton et al.'s loss (arXiv 1503.02531).

    The student is an mmpretrain ``ImageClassifier`` or an MMRazor algorithm around one:
    ``ItePruneAlgorithm`` (it prunes while this algorithm trains it) or
    ``MMArchitectureQuant`` (its fake-quantized ``'tensor'`` graph is what trains). The
    teacher is a frozen full-precision classifier, by default the unpruned / unquantized
    model. Taking an upstream config and adding a teacher is the whole change::

        model = dict(type='LogitKD', student=<the upstream model dict>,
                     teacher=<classifier>, teacher_ckpt='teacher.pth')

    One training step: the teacher's logits under ``no_grad``, the student's logits (its
    own forward, so pruning and fake quantization act), then ``loss_cls`` =
    ``(1 - alpha)`` x the student head's own loss (label smoothing, mixup scores and other
    head losses keep working) and ``loss_kd`` = ``alpha T^2 KL(p_t^T || p_s^T)``; feature
    terms ``loss_<name>`` are added for each entry of ``distill_losses``.

    Note:
        For a quantization student the ``'tensor'`` graph is trained; ``sync_qparams``
        (called by MMRazor's QAT loops and on every switch to eval mode) copies its
        quantization parameters to the ``'predict'`` / ``'loss'`` graphs, whatever source
        mode the loop names.

    Args:
        student (dict): Config of the student (classifier or MMRazor wrapper).
        teacher (dict): Config of the teacher classifier.
        teacher_ckpt (str, optional): Teacher checkpoint. None only for tests / dry builds.
        teacher_ckpt_prefix (str, optional): Key prefix taken from the checkpoint (see
            :func:`load_teacher_weights`). Defaults to None (automatic).
        temperature (float): T > 0. Defaults to 4.0.
        alpha (float): Weight of the KD term in [0, 1]; the head loss gets ``1 - alpha``.
            Defaults to 0.9.
        distill_losses (dict, optional): Feature terms ``{name: dict(student=TAP,
            teacher=TAP, connector=CFG, loss=CFG)}`` with the taps of
            :class:`FeatureDistill`, e.g. ``loss=dict(type='FitNetLoss', mode='l2')``.
            Student taps are module paths of the network that runs in training (the
            classifier, or the traced ``qmodels.tensor`` graph of a quantized student).
        teacher_precision (str): ``'fp32'``, ``'bf16'``, ``'fp16'`` or ``'auto'`` autocast for the
            teacher. Defaults to ``'fp32'``.
        probe_shape (tuple): (C, H, W) of the zero input used at build time to find tapped
            shapes. Only used with ``distill_losses``. Defaults to (3, 32, 32).
        data_preprocessor (dict, optional): Used for the student when its config has none.
        init_cfg (dict, optional): Initialisation of the student and of the connectors of
            the feature terms.
    """

    def __init__(self,
                 student: dict,
                 teacher: dict,
                 teacher_ckpt: Optional[str] = None,
                 teacher_ckpt_prefix: Optional[str] = None,
                 temperature: float = 4.0,
                 alpha: float = 0.9,
                 distill_losses: Optional[Dict[str, dict]] = None,
                 teacher_precision: str = 'fp32',
                 probe_shape: Sequence[int] = (3, 32, 32),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if temperature <= 0 or not 0 <= alpha <= 1:
            raise ValueError(f'temperature must be > 0 and alpha in [0, 1], got {temperature} '
                             f'and {alpha}')
        self.fast_teacher = FastTeacher(teacher_precision)
        self.temperature, self.alpha = float(temperature), float(alpha)
        self.teacher_precision = teacher_precision
        if isinstance(student, dict):
            check_quant_cfg(student)
            if data_preprocessor is not None:
                student = dict(student)
                student.setdefault('data_preprocessor', data_preprocessor)
        self.student = build_model(student)
        check_pruning_targets(self.student)
        self.teacher = build_frozen_teacher(teacher, teacher_ckpt, teacher_ckpt_prefix)
        self.data_preprocessor = self.student.data_preprocessor
        self._check_classes()
        self._build_feature_terms(dict(distill_losses or {}), tuple(probe_shape))

    @property
    def head(self) -> nn.Module:
        """The student classifier's head: its loss and predictions are the student's."""
        return classifier_of(self.student).head

    @property
    def architecture(self) -> nn.Module:
        """The student's float classifier (MMRazor's ``QATValLoop`` validates it too)."""
        return classifier_of(self.student)

    def _check_classes(self) -> None:
        ours = getattr(self.head, 'num_classes', None)
        theirs = getattr(classifier_of(self.teacher).head, 'num_classes', None)
        if ours is not None and theirs is not None and ours != theirs:
            raise ValueError(f'the teacher predicts {theirs} classes and the student {ours}; '
                             f'logit KD needs the same classes: use a teacher with {ours} '
                             'classes (trained on the student\'s data set)')

    def _student_net(self) -> nn.Module:
        if is_quantized(self.student):
            return self.student.qmodels['tensor']
        return classifier_of(self.student)

    def _build_feature_terms(self, distill_losses: Dict[str, dict], probe_shape) -> None:
        terms = build_tapped_terms(distill_losses, self.student, self.teacher, probe_shape,
                                   student_net=self._student_net(),
                                   student_forward=lambda x: self._student_logits(x, None))
        self._taps = terms.specs
        self.student_taps, self.teacher_taps = terms.student_taps, terms.teacher_taps
        self.connectors, self.distill_losses = terms.connectors, terms.losses

    def _student_logits(self, inputs: torch.Tensor, data_samples) -> torch.Tensor:
        return self.student(inputs, data_samples, mode='tensor')

    def teacher_forward(self, inputs: torch.Tensor):
        """Teacher logits (fp32) and its tapped features."""
        with self.fast_teacher.run(inputs) as inputs, self.teacher_taps.record() as feats:
            logits = self.teacher(inputs, mode='tensor').float()
        return logits, {k: v.float() for k, v in feats.items()}

    def loss(self, inputs: torch.Tensor, data_samples: List) -> Dict[str, torch.Tensor]:
        """(N, C, H, W) batch and its mmpretrain data samples -> dict of ``loss_*``."""
        teacher_logits, teacher_feats = self.teacher_forward(inputs)
        with self.student_taps.record() as student_feats:
            logits = self._student_logits(inputs, data_samples)
        losses = {
            'loss_cls': (1 - self.alpha) * self.head._get_loss(logits, data_samples)['loss'],
            'loss_kd': self.alpha * kd_loss(logits, teacher_logits, self.temperature),
        }
        for name, s_tap, t_tap in self._taps:
            losses[f'loss_{name}'] = self.distill_losses[name](
                self.connectors[name](student_feats[s_tap]), teacher_feats[t_tap])
        return losses

    def sync_qparams(self, src_mode: str = 'tensor') -> None:
        """Copy the trained (``'tensor'``) quantization parameters to the other graphs."""
        if is_quantized(self.student):
            self.student.sync_qparams('tensor')

    def train(self, mode: bool = True):
        super().train(mode)
        if not mode:
            self.sync_qparams()
        return self
