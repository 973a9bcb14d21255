"""Teacher hygiene shared by every distillation algorithm: build, load, freeze."""
import os.path as osp
from contextlib import contextmanager
from typing import Dict, Iterator, Optional, Union

import torch
from mmengine.model import BaseModel
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

from mmkd_ext.apis.paths import PACKAGE_DIR, project_root
from mmkd_ext.registry import MODELS

__all__ = [
    'build_model', 'build_frozen_teacher', 'load_teacher_weights', 'resolve_checkpoint',
    'freeze',
    'TeacherEvalMixin', 'StudentForwardMixin', 'FastTeacher', 'TEACHER_PRECISIONS'
]

TEACHER_PRECISIONS = {'fp32': None, 'bf16': torch.bfloat16, 'fp16': torch.float16, 'auto': None}


def auto_teacher_dtype(device_type: str) -> Optional[torch.dtype]:
    """The reduced precision a frozen teacher runs fastest in on ``device_type``, or None
    for fp32. CUDA: bf16 where supported, else fp16. CPU: bf16 only with AMX tiles; without
    them bf16 convolutions are emulated (an EDSR 32 x 256 teacher ran 8 x slower under bf16
    autocast than in fp32 on an AVX2-only EPYC, ``tools/benchmarks/distill_step.py``).
    ``'auto'`` also runs the teacher channels-last, in fp32 as in reduced precision
    (:class:`FastTeacher`)."""
    if device_type == 'cuda':
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device_type == 'cpu' and torch.cpu._is_amx_tile_supported():
        return torch.bfloat16
    return None


def build_model(cfg: Union[dict, nn.Module]) -> nn.Module:
    """Build a host model (an mmagic editor, an mmpretrain classifier) from a config."""
    if isinstance(cfg, nn.Module):
        return cfg
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f'a model config must be a dict with a "type" key, got {cfg!r}')
    return MODELS.build(cfg)


def freeze(model: nn.Module) -> nn.Module:
    """No gradients, eval mode (BatchNorm statistics stay as loaded)."""
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    return model


def resolve_checkpoint(checkpoint: str) -> str:
    """The file a (teacher) checkpoint path names, wherever the command runs.

    An absolute path, or a relative one that exists from the working directory, is taken
    as it is. A relative path that does not is looked up against the package's project
    root (:func:`mmkd_ext.apis.paths.project_root`: the checkout after an editable install)
    and against ``mmkd_ext/.mim`` (where a wheel ships ``checkpoints/``), so that a user's
    config in their own folder that inherits ``mmkd_ext::lsfd/...`` finds the shipped
    teacher named ``'checkpoints/...'``.

    Args:
        checkpoint (str): Path of the checkpoint.

    Returns:
        str: An existing file.

    Raises:
        FileNotFoundError: No candidate exists; the message lists every place looked at.
    """
    if not isinstance(checkpoint, str) or not checkpoint:
        raise TypeError(f'a checkpoint path must be a non-empty str, got {checkpoint!r}')
    if osp.isfile(checkpoint):
        return checkpoint
    candidates = [osp.abspath(checkpoint)]
    if not osp.isabs(checkpoint):
        for root in (project_root(), osp.join(PACKAGE_DIR, '.mim')):
            candidate = osp.join(root, checkpoint)
            if osp.isfile(candidate):
                return candidate
            if osp.realpath(candidate) not in map(osp.realpath, candidates):
                candidates.append(candidate)
    looked = ''.join(f'\n  {c}' for c in candidates)
    raise FileNotFoundError(
        f'teacher checkpoint {checkpoint!r} does not exist; looked at:{looked}\n'
        'train the teacher first (each method README names its teacher config) or fix '
        '`teacher_ckpt`')


def load_teacher_weights(teacher: nn.Module, checkpoint: str,
                         prefix: Optional[str] = None, role: str = 'teacher') -> None:
    """Load ``checkpoint`` into ``teacher`` strictly, with errors that say what is wrong.

    The checkpoint goes through mmengine's loader, hence through the weights-only
    allow-list of :mod:`mmkd_ext.compat`. Keys may carry a ``module.`` (DDP) prefix; a
    checkpoint written by one of mmkd_ext's algorithms holds the trained network under
    ``student.``, which is stripped automatically when the plain keys do not match.

    Args:
        teacher (nn.Module): The built teacher.
        checkpoint (str): Path of the checkpoint; a relative path that does not exist from
            the working directory is looked up in the package (:func:`resolve_checkpoint`).
        prefix (str, optional): Take only the keys under this prefix (e.g. ``'student.'``
            or ``'architecture.'``). Defaults to None (automatic, see above).
        role (str): What the network is, in the mismatch report. Defaults to
            ``'teacher'``.
    """
    checkpoint = resolve_checkpoint(checkpoint)
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor)
                                              for v in state.values()):
        raise ValueError(f'teacher checkpoint {checkpoint!r} holds no state_dict of tensors')
    state = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}
    expected = teacher.state_dict()
    if prefix is None and not set(expected) & set(state):
        prefix = 'student.' if any(k.startswith('student.') for k in state) else None
    if prefix:
        state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    _check_state(teacher, expected, state, checkpoint, role)
    teacher.load_state_dict(state, strict=True)


def _check_state(teacher: nn.Module, expected: Dict[str, torch.Tensor],
                 state: Dict[str, torch.Tensor], checkpoint: str, role: str) -> None:
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    # An empty model tensor is sized by its module when loaded (the per-channel range of a
    # quantization observer before calibration, e.g. MMRazor's QAT models): not a mismatch.
    mismatched = [f'{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(v.shape)}'
                  for k, v in expected.items()
                  if k in state and state[k].shape != v.shape and v.numel() > 0]
    if not (missing or unexpected or mismatched):
        return
    lines = [f'{role} checkpoint {checkpoint!r} does not match the {role} config '
             f'({type(teacher).__name__}, {len(expected)} tensors; checkpoint has '
             f'{len(state)}):']
    for title, items in (('size mismatch', mismatched), ('missing in checkpoint', missing),
                         (f'not in the {role}', unexpected)):
        if items:
            more = f' ... and {len(items) - 5} more' if len(items) > 5 else ''
            lines.append(f'  {title}: {items[:5]}{more}')
    raise ValueError('\n'.join(lines))


def build_frozen_teacher(cfg: Union[dict, nn.Module], checkpoint: Optional[str],
                         prefix: Optional[str] = None) -> nn.Module:
    """Build a teacher, load its weights, freeze it and protect it from ``init_weights``.

    ``checkpoint=None`` keeps the random initialisation: only for tests and for building a
    config without weights (e.g. to count parameters).
    """
    teacher = build_model(cfg)
    if checkpoint is not None:
        load_teacher_weights(teacher, checkpoint, prefix)
    # The Runner calls init_weights() on the whole algorithm after building it; a loaded
    # teacher must not be re-initialised.
    for module in teacher.modules():
        if hasattr(module, '_is_init'):
            module._is_init = True
    return freeze(teacher)


class TeacherEvalMixin:
    """Keep every teacher in eval mode whatever ``train(mode)`` the runner asks for.

    The class using it lists its teacher attributes in ``_teacher_names``.
    """

    _teacher_names = ('teacher', )

    def train(self: BaseModel, mode: bool = True):
        super().train(mode)
        for name in self._teacher_names:
            getattr(self, name).eval()
        return self


class StudentForwardMixin:
    """``mode='loss'`` runs the class's distillation ``loss``; ``'predict'`` and ``'tensor'``
    are the student's own, so validation, testing and inference see the student alone."""

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode in ('predict', 'tensor'):
            return self.student(inputs, data_samples, mode=mode)
        raise ValueError(f'mode must be "loss", "predict" or "tensor", got {mode!r}')


class FastTeacher:
    """How frozen teachers run, shared by every distillation algorithm: always under
    ``no_grad``, optionally under ``precision`` autocast (``'bf16'``, ``'fp16'``, or
    ``'auto'``: the one that is fast on the device, fp32 where reduced precision would be
    slow, see :func:`auto_teacher_dtype`) and in channels-last memory format. The student is
    not affected: it trains in fp32.

    ``'auto'`` always runs channels-last (``channels_last`` is implied): convolutions are
    faster in that format on CPUs (oneDNN) in fp32 as in bf16, and under reduced precision
    on GPUs; the format alone changes results only by fp32 rounding (tested). On a
    shared 2-core AVX-512 EPYC the demo teacher's fp32 forward (EDSR 8 x 32, batch 8, 24 px)
    ran 1.2 to 1.5 x faster channels-last with one thread (``tools/benchmarks/distill_step.py
    --formats``).

    Use ``prepare(teacher)`` once after loading and ``with fast.run(inputs) as x:`` around
    the teachers' forwards; cast what they return back with ``.float()``.
    """

    def __init__(self, precision: str = 'fp32', channels_last: bool = False):
        if precision not in TEACHER_PRECISIONS:
            raise ValueError(f'teacher_precision must be one of {tuple(TEACHER_PRECISIONS)}, '
                             f'got {precision!r}')
        self.precision = precision
        self.channels_last = bool(channels_last) or precision == 'auto'

    def prepare(self, *teachers: nn.Module) -> None:
        if self.channels_last:
            for teacher in teachers:
                teacher.to(memory_format=torch.channels_last)

    def dtype(self, device_type: str) -> Optional[torch.dtype]:
        """The autocast dtype on ``device_type`` (None: fp32)."""
        if self.precision == 'auto':
            return auto_teacher_dtype(device_type)
        return TEACHER_PRECISIONS[self.precision]

    @contextmanager
    def run(self, inputs: torch.Tensor) -> Iterator[torch.Tensor]:
        dtype = self.dtype(inputs.device.type)
        if self.channels_last and inputs.dim() == 4:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        with torch.no_grad(), torch.autocast(inputs.device.type, dtype=dtype,
                                             enabled=dtype is not None):
            yield inputs
