"""Single-teacher feature distillation for mmagic super-resolution models."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModel

from mmkd_ext.registry import MODELS

from ..losses.at_loss import attention_map
from .base import (
    FastTeacher,
    StudentForwardMixin,
    TeacherEvalMixin,
    build_frozen_teacher,
    build_model,
)
from .plumbing import build_tapped_terms

__all__ = ['FeatureDistill']


@MODELS.register_module()
class FeatureDistill(StudentForwardMixin, TeacherEvalMixin, BaseModel):
    """Feature distillation from a frozen teacher into an SR student.

    FitNets (Romero et al., ICLR 2015, arXiv 1412.6550) applied to restoration networks,
    and the host of LSFD (arXiv 2111.10988), which only swaps the loss. Student and
    teacher are mmagic ``BaseEditModel``-style editors (a ``generator`` and a
    ``pixel_loss``); the student's data preprocessor feeds both.

    One training step: the teacher runs under ``no_grad`` (stopping after its last tap when
    its SR output is not needed), the student runs with its taps, then each distillation
    term compares ``connector(student_feat)`` with ``teacher_feat``. Terms returned:
    ``loss_pix`` (the student's own pixel loss against HR), ``loss_<name>`` per entry of
    ``distill_losses`` and, if ``output_loss`` is set, ``loss_output`` (student SR vs.
    teacher SR).

    Args:
        student (dict): Config of the student editor, e.g. ``mmagic.BaseEditModel``.
        teacher (dict): Config of the teacher editor.
        teacher_ckpt (str, optional): Teacher checkpoint. None only for tests / dry builds.
        teacher_ckpt_prefix (str, optional): Key prefix to take from the checkpoint (see
            :func:`load_teacher_weights`). Defaults to None (automatic).
        distill_losses (dict): ``{name: dict(student=TAP, teacher=TAP, connector=CFG,
            loss=CFG)}``. A tap is a module path of the editor (``'generator.body'``), with
            ``':input'`` for a module's input (``'generator.upsample:input'``: the body
            output before the upsampler). ``connector`` (e.g. ``dict(type='ConvRegressor',
            kernel_size=1)``) gets its channels from the tapped features; None is allowed
            only when the channels already match. Defaults to no feature term.
        output_loss (dict, optional): Loss between student and teacher SR outputs, e.g.
            ``dict(type='mmagic.L1Loss', loss_weight=1.0)``. Defaults to None.
        teacher_precision (str): ``'fp32'``, ``'bf16'``, ``'fp16'`` or ``'auto'`` (the fast one
            on the device, fp32 where reduced precision is emulated): the teacher's forward
            runs under autocast at that precision (its features are cast back to fp32).
            Defaults to ``'fp32'``.
        teacher_channels_last (bool): Run the teacher in channels-last memory format (faster
            convolutions on CPUs and tensor cores); implied by ``teacher_precision='auto'``.
            Defaults to False.
        student_channels_last (bool): Keep the student's and the connectors' weights in
            channels-last memory format, so that their convolutions run in it (on CPUs the
            demo student's train step ran 1.3 to 1.5 x faster,
            ``tools/benchmarks/distill_step.py --formats``); the results change only by fp32
            rounding. Defaults to False.
        probe_shape (tuple): (C, H, W) of the zero input used at build time to find the
            tapped feature shapes. Defaults to (3, 16, 16).
        init_cfg (dict, optional): Initialisation of the student and connectors.
    """

    def __init__(self,
                 student: dict,
                 teacher: dict,
                 teacher_ckpt: Optional[str] = None,
                 teacher_ckpt_prefix: Optional[str] = None,
                 distill_losses: Optional[Dict[str, dict]] = None,
                 output_loss: Optional[dict] = None,
                 teacher_precision: str = 'fp32',
                 teacher_channels_last: bool = False,
                 student_channels_last: bool = False,
                 probe_shape: Sequence[int] = (3, 16, 16),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        distill_losses = dict(distill_losses or {})
        if not distill_losses and output_loss is None:
            raise ValueError('FeatureDistill needs at least one of `distill_losses` and '
                             '`output_loss`; without them it trains the student alone')
        self.fast_teacher = FastTeacher(teacher_precision, teacher_channels_last)
        self.teacher_precision = teacher_precision
        self.teacher_channels_last = self.fast_teacher.channels_last
        self.student = build_model(student)
        self.teacher = build_frozen_teacher(teacher, teacher_ckpt, teacher_ckpt_prefix)
        for name, model in (('student', self.student), ('teacher', self.teacher)):
            if not hasattr(model, 'generator'):
                raise TypeError(f'{name} {type(model).__name__} has no `generator`; '
                                'FeatureDistill distills mmagic editors such as BaseEditModel')
        self.data_preprocessor = self.student.data_preprocessor

        terms = build_tapped_terms(distill_losses, self.student, self.teacher, probe_shape,
                                   student_forward=self.student.generator,
                                   teacher_forward=self.teacher.generator,
                                   teacher_stop_after_last=output_loss is None)
        self._taps: List[Tuple[str, str, str]] = terms.specs
        self.student_taps, self.teacher_taps = terms.student_taps, terms.teacher_taps
        self.connectors, self.distill_losses = terms.connectors, terms.losses
        self.output_loss = MODELS.build(output_loss) if output_loss is not None else None
        self.fast_teacher.prepare(self.teacher)
        if student_channels_last:
            self.student.to(memory_format=torch.channels_last)
            self.connectors.to(memory_format=torch.channels_last)

    def teacher_forward(self, inputs: torch.Tensor) -> Tuple[Dict[str, torch.Tensor],
                                                             Optional[torch.Tensor]]:
        """Teacher features at its taps (fp32) and its SR output (None when not needed)."""
        output = None
        with self.fast_teacher.run(inputs) as inputs:
            with self.teacher_taps.record() as feats:
                output = self.teacher.generator(inputs)
        feats = {k: v.float() for k, v in feats.items()}
        return feats, None if output is None else output.float()

    @torch.no_grad()
    def inspect(self, inputs: torch.Tensor) -> dict:
        """SR outputs and, per distillation term, a per-pixel distance (N, H, W) with its
        label, and the loss's attention map when it has one (LSFD).

        The distance is ``mean_c |r(F_s) - F_t|`` (label ``'|r(S)-T|'``). Where the two maps
        have different channel counts (a ``channel_agnostic`` loss such as AT or FAKD
        without a connector), it compares their spatial attention maps instead,
        ``|a(F_s) - a(F_t)|`` with ``a = normalise(mean_c F^2)`` of
        :func:`~mmkd_ext.models.losses.attention_map` (label ``'|a(S)-a(T)|'``).

        Returns:
            dict: ``student_sr``, ``teacher_sr`` (N, C, H', W') and ``maps``:
            ``{name: dict(distance=(N, H, W), distance_label=str, attention=(N, H, W) or
            None)}``.
        """
        stop, self.teacher_taps.stop_after_last = self.teacher_taps.stop_after_last, False
        try:
            teacher_feats, teacher_sr = self.teacher_forward(inputs)
        finally:
            self.teacher_taps.stop_after_last = stop
        with self.student_taps.record() as student_feats:
            student_sr = self.student.generator(inputs)
        maps = {}
        for name, s_tap, t_tap in self._taps:
            student_feat = self.connectors[name](student_feats[s_tap])
            teacher_feat = teacher_feats[t_tap]
            loss = self.distill_losses[name]
            loss(student_feat, teacher_feat)
            if student_feat.shape[1] == teacher_feat.shape[1]:
                distance, label = (student_feat - teacher_feat).abs().mean(1), '|r(S)-T|'
            else:  # no connector, channel-agnostic loss: compare channel-free maps
                n, _, h, w = student_feat.shape
                distance = (attention_map(student_feat) -
                            attention_map(teacher_feat)).abs().view(n, h, w)
                label = '|a(S)-a(T)|'
            maps[name] = dict(distance=distance, distance_label=label,
                              attention=getattr(loss, 'last_attention', None))
        return dict(student_sr=student_sr, teacher_sr=teacher_sr, maps=maps)

    def loss(self, inputs: torch.Tensor, data_samples) -> Dict[str, torch.Tensor]:
        """(N, C, h, w) LR batch and its data samples (``gt_img``) -> dict of ``loss_*``."""
        teacher_feats, teacher_sr = self.teacher_forward(inputs)
        with self.student_taps.record() as student_feats:
            student_sr = self.student.generator(inputs)

        gt = data_samples.gt_img
        if student_sr.shape[-2:] != gt.shape[-2:]:
            raise ValueError(
                f'the student maps LR {tuple(inputs.shape[-2:])} to SR '
                f'{tuple(student_sr.shape[-2:])} but the HR targets are {tuple(gt.shape[-2:])}: '
                "the data's scale and the generator's upscale_factor differ")
        losses = {'loss_pix': self.student.pixel_loss(student_sr, gt)}
        for name, s_tap, t_tap in self._taps:
            student_feat = self.connectors[name](student_feats[s_tap])
            losses[f'loss_{name}'] = self.distill_losses[name](student_feat,
                                                               teacher_feats[t_tap])
        if self.output_loss is not None:
            losses['loss_output'] = self.output_loss(student_sr, teacher_sr)
        return losses
