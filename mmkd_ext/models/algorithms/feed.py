"""FEED: feature-level ensemble distillation from several teachers into an mmpretrain classifier."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import nn

from mmkd_ext.registry import MODELS

from ..feature_taps import FeatureTaps
from ..losses.kd_loss import ensemble_kd_loss
from .base import (
    FastTeacher,
    StudentForwardMixin,
    TeacherEvalMixin,
    build_frozen_teacher,
    build_model,
)
from .plumbing import build_connector, probe

__all__ = ['FEED']

_ALIGNS = ('error', 'interpolate')


@MODELS.register_module()
class FEED(StudentForwardMixin, TeacherEvalMixin, BaseModel):
    """Feature-level Ensemble for knowledge Distillation, ECAI 2020 (arXiv 1909.10754).

    Parallel FEED (pFEED): K frozen teachers, one non-linear translator per teacher from
    the student's last-stage feature to that teacher's channels, and Factor Transfer's loss
    (arXiv 1802.04977) between each translated student feature and the teacher's feature.
    Sequential FEED runs this with K = 1 and the previous generation as the teacher
    (``tools/feed_sequential.py``). Student and teachers are mmpretrain
    ``ImageClassifier``s (teachers may differ in architecture); the student's data
    preprocessor feeds all of them.

    One training step: each teacher runs under ``no_grad`` up to its tap (to its logits
    when logit KD is on), then the student, then the terms: ``loss_cls`` (the student
    head's own loss), ``loss_feed_<teacher>`` per teacher (``feat_weight`` * feature
    loss, divided by K when ``average_teachers``) and ``loss_kd`` when ``kd_weight > 0``
    (KL from the mean of the teachers' softened softmaxes). Translators and teachers live
    outside ``student.``, so ``extract_student.py`` drops them.

    Note:
        The paper's ensemble term is the sum over teachers. Here the terms are averaged by
        default (``average_teachers=True``): with the sum, the feature term's weight grows
        with K (beta = 1000 per teacher), so pFEED at K = 1, 2, 3 would differ in the
        strength of the regulariser as well as in the number of teachers.
        ``average_teachers=False`` gives the paper's sum. With ``feat_weight=0`` no
        translator is built: the algorithm is then plain (ensemble) logit KD.

    Args:
        student (dict): Config of the student ``ImageClassifier``.
        teachers (dict): ``{name: config}`` of K >= 1 teacher classifiers. Names become
            loss keys (``loss_feed_<name>``): letters, digits and ``_``.
        teacher_ckpts (dict, optional): ``{name: checkpoint}`` for every teacher. None (for
            all or one) keeps the random initialisation: only for tests and dry builds.
        teacher_ckpt_prefix (str, optional): Key prefix taken from the teacher checkpoints
            (see :func:`load_teacher_weights`). Defaults to None (automatic).
        student_tap (str, optional): Module path of the student feature, e.g.
            ``'backbone.layer3'``, or ``'<path>:input'``. Defaults to None: the output of
            the backbone's last returned stage (ResNet-like backbones).
        teacher_taps (dict, optional): ``{name: tap}``; a missing name gets the default.
        translator (dict, optional): Translator config; channels are filled from the tapped
            features. Defaults to None: ``dict(type='FEEDTranslator')``.
        feat_loss (dict, optional): Feature loss config. Defaults to None:
            ``dict(type='FactorTransferLoss')``.
        feat_weight (float): beta, the weight of the feature term (of each teacher's with
            ``average_teachers=False``). Defaults to 1.0.
        average_teachers (bool): Divide the feature terms by K, so that their total weight
            is beta whatever K. Defaults to True.
        kd_weight (float): Weight of logit KD from the teachers' mean softmax; 0 turns it
            off. Defaults to 0.0.
        temperature (float): KD temperature. Defaults to 4.0.
        align (str): When a teacher's tapped feature has another spatial size than the
            student's: ``'error'`` (refuse, at build time) or ``'interpolate'`` (resize the
            teacher feature to the student's size, bilinear). Defaults to ``'error'``.
        teacher_precision (str): ``'fp32'``, ``'bf16'``, ``'fp16'`` or ``'auto'`` autocast for the
            teachers' forwards (their outputs are cast back to fp32). Defaults to ``'fp32'``.
        teacher_channels_last (bool): Run the teachers in channels-last memory format.
            Defaults to False.
        probe_shape (tuple): (C, H, W) of the zero input used at build time to find the
            tapped shapes and the number of classes. Defaults to (3, 32, 32).
        data_preprocessor (dict, optional): Used for the student when its config has none
            (mmengine's Runner passes a config's top-level ``data_preprocessor`` here).
        init_cfg (dict, optional): Initialisation of the student and translators.
    """

    _teacher_names = ('teachers', )

    def __init__(self,
                 student: dict,
                 teachers: Dict[str, dict],
                 teacher_ckpts: Optional[Dict[str, Optional[str]]] = None,
                 teacher_ckpt_prefix: Optional[str] = None,
                 student_tap: Optional[str] = None,
                 teacher_taps: Optional[Dict[str, str]] = None,
                 translator: Optional[dict] = None,
                 feat_loss: Optional[dict] = None,
                 feat_weight: float = 1.0,
                 average_teachers: bool = True,
                 kd_weight: float = 0.0,
                 temperature: float = 4.0,
                 align: str = 'error',
                 teacher_precision: str = 'fp32',
                 teacher_channels_last: bool = False,
                 probe_shape: Sequence[int] = (3, 32, 32),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(teachers, dict) or not teachers:
            raise ValueError('FEED needs at least one teacher: `teachers` must be a non-empty '
                             f'dict {{name: classifier config}}, got {teachers!r}')
        bad = [n for n in teachers if not (isinstance(n, str) and n.isidentifier())]
        if bad:
            raise ValueError(f'teacher names must be identifiers (letters, digits, _), got {bad}')
        teacher_ckpts = dict(teacher_ckpts or {})
        teacher_taps = dict(teacher_taps or {})
        for what, given in (('teacher_ckpts', teacher_ckpts), ('teacher_taps', teacher_taps)):
            unknown = sorted(set(given) - set(teachers))
            if unknown:
                raise ValueError(f'{what} names {unknown}, which are not teachers; the '
                                 f'teachers are {sorted(teachers)}')
        if align not in _ALIGNS:
            raise ValueError(f'align must be one of {_ALIGNS}, got {align!r}')
        self.fast_teacher = FastTeacher(teacher_precision, teacher_channels_last)
        if feat_weight < 0 or kd_weight < 0 or temperature <= 0:
            raise ValueError('feat_weight and kd_weight must be >= 0 and temperature > 0, got '
                             f'{feat_weight}, {kd_weight}, {temperature}')
        if feat_weight == 0 and kd_weight == 0:
            raise ValueError('FEED with feat_weight=0 and kd_weight=0 trains the student alone; '
                             'train the student config instead')
        self.feat_weight, self.average_teachers = float(feat_weight), bool(average_teachers)
        self.kd_weight, self.temperature = float(kd_weight), float(temperature)
        self.align, self.teacher_precision = align, teacher_precision

        if isinstance(student, dict) and data_preprocessor is not None:
            student = dict(student)
            student.setdefault('data_preprocessor', data_preprocessor)
        self.student = build_model(student)
        self.teachers = nn.ModuleDict()
        for name, cfg in teachers.items():
            try:
                self.teachers[name] = build_frozen_teacher(cfg, teacher_ckpts.get(name),
                                                           teacher_ckpt_prefix)
            except (ValueError, FileNotFoundError) as error:
                raise type(error)(f'teacher {name!r}: {error}') from error
        for name, model in (('student', self.student), *self.teachers.items()):
            if not all(hasattr(model, a) for a in ('backbone', 'head', 'extract_feat')):
                raise TypeError(f'{name} is a {type(model).__name__}; FEED distills mmpretrain '
                                'ImageClassifiers (backbone, neck, head)')
        self.data_preprocessor = self.student.data_preprocessor

        self.student_tap = student_tap or self._default_tap(self.student, 'student')
        self.teacher_taps = {n: teacher_taps.get(n) or self._default_tap(t, f'teacher {n!r}')
                             for n, t in self.teachers.items()}
        self.student_taps = FeatureTaps(self.student, [self.student_tap])
        self._teacher_taps = {
            n: FeatureTaps(t, [self.teacher_taps[n]], stop_after_last=self.kd_weight == 0)
            for n, t in self.teachers.items()
        }
        shapes, classes = self._probe(tuple(probe_shape))
        self._check_classes(classes)

        self.translators = nn.ModuleDict()
        self.feat_loss = None
        if self.feat_weight > 0:
            for name in self.teachers:
                self.translators[name] = self._build_translator(
                    name, translator, shapes['student'], shapes[name])
            self.feat_loss = MODELS.build(feat_loss or dict(type='FactorTransferLoss'))
        self.fast_teacher.prepare(*self.teachers.values())

    @staticmethod
    def _default_tap(model: nn.Module, who: str) -> str:
        backbone = model.backbone
        layers, out_indices = getattr(backbone, 'res_layers', None), getattr(
            backbone, 'out_indices', None)
        if not layers or not out_indices:
            raise ValueError(f'{who}: no default tap for a {type(backbone).__name__} backbone; '
                             "name the module whose output is the last-stage feature, e.g. "
                             "student_tap='backbone.layer3' or teacher_taps={name: ...}")
        return f'backbone.{layers[max(out_indices)]}'

    def _probe(self, probe_shape: Tuple[int, ...]) -> Tuple[Dict[str, Tuple], Dict[str, int]]:
        """Run every network once on zeros (eval mode): tapped shapes and logit widths."""
        shapes, classes = {}, {}
        nets = {'student': (self.student, self.student_taps, self.student_tap),
                **{n: (t, self._teacher_taps[n], self.teacher_taps[n])
                   for n, t in self.teachers.items()}}
        for name, (net, taps, tap) in nets.items():
            feats, logits = probe(net, taps, probe_shape, full=True)
            shapes[name], classes[name] = feats[tap], logits.shape[-1]
        return shapes, classes

    def _check_classes(self, classes: Dict[str, int]) -> None:
        if self.kd_weight == 0:
            return
        wrong = {n: c for n, c in classes.items() if n != 'student' and c != classes['student']}
        if wrong:
            raise ValueError(f'logit KD needs the classes of the student ({classes["student"]}) '
                             f'in every teacher; these differ: {wrong}. Set kd_weight=0 or '
                             'use teachers trained on the same classes')

    def _build_translator(self, name: str, cfg: Optional[dict], s_shape: Tuple,
                          t_shape: Tuple) -> nn.Module:
        if s_shape[2:] != t_shape[2:] and self.align == 'error':
            raise ValueError(
                f'teacher {name!r}: its feature at {self.teacher_taps[name]!r} is '
                f'{t_shape[1:]} (C, H, W) but the student feature at {self.student_tap!r} is '
                f'{s_shape[1:]}: the spatial sizes differ. Tap layers at the same resolution '
                "or set align='interpolate' to resize the teacher feature")
        return build_connector(cfg or dict(type='FEEDTranslator'), s_shape[1], t_shape[1],
                               f'teacher {name!r}', kind='translator')

    def teacher_forward(self, inputs: torch.Tensor) -> Tuple[Dict[str, torch.Tensor],
                                                             Dict[str, torch.Tensor]]:
        """Per teacher: its tapped feature (fp32) and, when logit KD is on, its logits."""
        feats, logits = {}, {}
        with self.fast_teacher.run(inputs) as inputs:
            for name, teacher in self.teachers.items():
                with self._teacher_taps[name].record() as recorded:
                    if self.kd_weight > 0:
                        logits[name] = teacher(inputs, mode='tensor').float()
                    else:
                        teacher.extract_feat(inputs)  # stops at the tap
                feats[name] = recorded[self.teacher_taps[name]].float()
        return feats, logits

    def loss(self, inputs: torch.Tensor, data_samples: List) -> Dict[str, torch.Tensor]:
        """(N, C, H, W) batch and its mmpretrain data samples -> dict of ``loss_*``."""
        teacher_feats, teacher_logits = self.teacher_forward(inputs)
        with self.student_taps.record() as student_feats:
            feats = self.student.extract_feat(inputs)

        losses = {'loss_cls': self.student.head.loss(feats, data_samples)['loss']}
        if self.feat_loss is not None:
            student_feat = student_feats[self.student_tap]
            weight = self.feat_weight / (len(self.teachers) if self.average_teachers else 1)
            for name, translator in self.translators.items():
                teacher_feat = teacher_feats[name]
                if teacher_feat.shape[2:] != student_feat.shape[2:]:  # align='interpolate'
                    teacher_feat = F.interpolate(teacher_feat, size=student_feat.shape[2:],
                                                 mode='bilinear', align_corners=False)
                losses[f'loss_feed_{name}'] = weight * self.feat_loss(
                    translator(student_feat), teacher_feat)
        if self.kd_weight > 0:
            losses['loss_kd'] = self.kd_weight * ensemble_kd_loss(
                self.student.head(feats), list(teacher_logits.values()), self.temperature)
        return losses
