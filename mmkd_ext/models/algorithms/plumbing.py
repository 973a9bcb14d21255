"""Plumbing that the distillation algorithms share: tap specs, the build-time shape probe,
connectors, model-wrapper unwrapping and a discriminator's judging mode."""
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import torch
from mmengine.dist import all_reduce_params, get_world_size
from mmengine.model import is_model_wrapper
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from mmkd_ext.registry import MODELS

from ..feature_taps import FeatureTaps

__all__ = [
    'unwrap', 'average_gradients', 'parse_tap_specs', 'probe', 'build_connector',
    'connector_or_identity', 'build_feature_terms', 'TappedTerms', 'build_tapped_terms',
    'judging'
]

TAP_KEYS = ('student', 'teacher', 'loss', 'connector')
Shape = Tuple[int, ...]


def unwrap(module: nn.Module) -> nn.Module:
    """The module inside a DDP-style wrapper (``MMDistributedDataParallel`` ...), or itself."""
    return module.module if is_model_wrapper(module) else module


def average_gradients(modules: Sequence[nn.Module]) -> None:
    """Average the gradients of ``modules`` over the processes (no-op in one process): for
    a backward through plain modules, outside their DDP wrappers."""
    if get_world_size() > 1:
        grads = [p.grad for m in modules for p in m.parameters() if p.grad is not None]
        all_reduce_params(grads, op='mean')


def parse_tap_specs(distill_losses: Optional[Dict[str, dict]]) -> List[Tuple[str, str, str]]:
    """Check ``{name: dict(student=TAP, teacher=TAP, loss=CFG, connector=CFG)}`` (connector
    optional) and return ``[(name, student tap, teacher tap)]`` in order."""
    specs = []
    for name, spec in (distill_losses or {}).items():
        if not isinstance(spec, dict) or not set(TAP_KEYS[:3]) <= set(spec) \
                or set(spec) - set(TAP_KEYS):
            raise ValueError(f'distill_losses[{name!r}] must be a dict with keys student, '
                             f'teacher, loss and optionally connector; got {spec!r}')
        specs.append((name, spec['student'], spec['teacher']))
    return specs


def probe(model: nn.Module, taps: FeatureTaps, probe_shape: Sequence[int],
          forward: Optional[Callable[[torch.Tensor], Any]] = None,
          full: bool = False) -> Tuple[Dict[str, Shape], Any]:
    """Run ``model`` once on a zero input to check its taps and learn the tapped shapes.

    The forward runs in eval mode (no BatchNorm statistics change) under ``no_grad``; the
    training mode is restored afterwards.

    Args:
        model (nn.Module): The network whose training mode is switched.
        taps (FeatureTaps): Taps on ``model`` (or on a part of it).
        probe_shape (Sequence[int]): (C, H, W) of the zero input, batch 1.
        forward (Callable, optional): ``x -> output``. Defaults to None
            (``model(x, mode='tensor')``).
        full (bool): Run to the end even when ``taps`` stop after their last tap (to get
            the output too). Defaults to False.

    Returns:
        tuple: ``{tap: shape}`` and the output (None when the taps stopped the forward).
    """
    x = torch.zeros(1, *probe_shape)
    forward = forward or (lambda inputs: model(inputs, mode='tensor'))
    training, stop, output = model.training, taps.stop_after_last, None
    model.eval()
    taps.stop_after_last = stop and not full
    try:
        with torch.no_grad(), taps.record() as feats:
            output = forward(x)
    finally:
        model.train(training)
        taps.stop_after_last = stop
    return {tap: tuple(feat.shape) for tap, feat in feats.items()}, output


def build_connector(cfg: dict, s_channels: int, t_channels: int, where: str,
                    kind: str = 'connector',
                    ends: Tuple[str, str] = ('student', 'teacher')) -> nn.Module:
    """Build a connector (regressor, translator, transfer layer) between channel counts.

    ``in_channels`` / ``out_channels`` left out of ``cfg`` are filled in from the tapped
    features; given ones must agree with them. ``where``, ``kind`` and ``ends`` (the names of
    the two sides) word the error.
    """
    cfg = dict(cfg)
    cfg.setdefault('in_channels', s_channels)
    cfg.setdefault('out_channels', t_channels)
    if (cfg['in_channels'], cfg['out_channels']) != (s_channels, t_channels):
        raise ValueError(
            f'{where}: the {kind} maps {cfg["in_channels"]} -> {cfg["out_channels"]} channels '
            f'but the taps have {s_channels} ({ends[0]}) -> {t_channels} ({ends[1]}); leave '
            'the channels out to infer them')
    return MODELS.build(cfg)


def connector_or_identity(cfg: Optional[dict], s_shape: Shape, t_shape: Shape,
                          where: str, any_channels: bool = False) -> nn.Module:
    """``cfg``'s connector, or ``nn.Identity`` when ``cfg`` is None and the channels match
    (or need not: ``any_channels``, for losses with ``channel_agnostic = True``: AT, FAKD).

    Student and teacher features must share their spatial size (a connector maps channels).
    """
    if s_shape[2:] != t_shape[2:]:
        raise ValueError(f'{where}: student feature {s_shape} and teacher feature {t_shape} '
                         'differ in spatial size; tap layers at the same resolution')
    if cfg is None:
        if s_shape[1] != t_shape[1] and not any_channels:
            raise ValueError(
                f'{where}: student feature has {s_shape[1]} channels and the teacher feature '
                f"{t_shape[1]}; add a connector, e.g. connector=dict(type='ConvRegressor', "
                'kernel_size=1)')
        return nn.Identity()
    return build_connector(cfg, s_shape[1], t_shape[1], where)


def build_feature_terms(distill_losses: Dict[str, dict], specs: List[Tuple[str, str, str]],
                        s_shapes: Dict[str, Shape],
                        t_shapes: Dict[str, Shape]) -> Tuple[nn.ModuleDict, nn.ModuleDict]:
    """Connectors and losses of the feature terms of :func:`parse_tap_specs`, from the
    shapes that :func:`probe` found: ``(connectors, losses)``, keyed by term name."""
    connectors, losses = nn.ModuleDict(), nn.ModuleDict()
    for name, s_tap, t_tap in specs:
        spec = distill_losses[name]
        losses[name] = MODELS.build(spec['loss'])
        connectors[name] = connector_or_identity(
            spec.get('connector'), s_shapes[s_tap], t_shapes[t_tap], f'distill_losses[{name!r}]',
            getattr(losses[name], 'channel_agnostic', False))
    return connectors, losses


class TappedTerms(NamedTuple):
    """What :func:`build_tapped_terms` builds: the ``(name, student tap, teacher tap)``
    specs, the taps on both sides, and the connectors and losses keyed by term name."""
    specs: List[Tuple[str, str, str]]
    student_taps: FeatureTaps
    teacher_taps: FeatureTaps
    connectors: nn.ModuleDict
    losses: nn.ModuleDict


def build_tapped_terms(distill_losses: Optional[Dict[str, dict]],
                       student: nn.Module,
                       teacher: nn.Module,
                       probe_shape: Sequence[int],
                       student_net: Optional[nn.Module] = None,
                       student_forward: Optional[Callable[[torch.Tensor], Any]] = None,
                       teacher_forward: Optional[Callable[[torch.Tensor], Any]] = None,
                       teacher_stop_after_last: bool = False) -> TappedTerms:
    """The feature terms of a single-teacher algorithm, built in one call.

    Checks the tap specs (:func:`parse_tap_specs`), taps both networks, runs each once on
    zeros to learn the tapped shapes (:func:`probe`, skipped when there is no term) and
    builds connectors and losses (:func:`build_feature_terms`).

    Args:
        distill_losses (dict, optional): ``{name: dict(student=TAP, teacher=TAP, loss=CFG,
            connector=CFG)}``.
        student (nn.Module): The student model (its training mode is switched by the probe).
        teacher (nn.Module): The teacher model; its taps are paths of this model.
        probe_shape (Sequence[int]): (C, H, W) of the zero probe input.
        student_net (nn.Module, optional): The part of ``student`` whose paths the student
            taps name. Defaults to None (``student``).
        student_forward (Callable, optional): ``x -> output`` of the student probe.
            Defaults to None (``student(x, mode='tensor')``).
        teacher_forward (Callable, optional): ``x -> output`` of the teacher probe.
            Defaults to None (``teacher(x, mode='tensor')``).
        teacher_stop_after_last (bool): Stop the teacher's forward after its last tap.
            Defaults to False.
    """
    distill_losses = dict(distill_losses or {})
    specs = parse_tap_specs(distill_losses)
    student_taps = FeatureTaps(student_net or student, [s for _, s, _ in specs])
    teacher_taps = FeatureTaps(teacher, [t for _, _, t in specs],
                               stop_after_last=teacher_stop_after_last)
    s_shapes = t_shapes = {}
    if specs:  # run both networks once on zeros: tapped shapes, and the paths work
        shape = tuple(probe_shape)
        s_shapes, _ = probe(student, student_taps, shape, student_forward)
        t_shapes, _ = probe(teacher, teacher_taps, shape, teacher_forward)
    connectors, losses = build_feature_terms(distill_losses, specs, s_shapes, t_shapes)
    return TappedTerms(specs, student_taps, teacher_taps, connectors, losses)


@contextmanager
def judging(modules: Sequence[nn.Module]) -> Iterator[None]:
    """Use discriminators as fixed judges: no parameter gradients and no BatchNorm running
    statistics updates, while BatchNorm still normalises with the batch's statistics (as it
    did when the discriminator was trained on that batch). Restored on exit."""
    flags = [(p, p.requires_grad) for m in modules for p in m.parameters()]
    norms = [(m, m.track_running_stats) for module in modules for m in module.modules()
             if isinstance(m, _BatchNorm)]
    for p, _ in flags:
        p.requires_grad_(False)
    for m, _ in norms:
        # training BN without tracking: batch statistics, running buffers untouched
        m.track_running_stats = False
    try:
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)
        for m, track in norms:
            m.track_running_stats = track
