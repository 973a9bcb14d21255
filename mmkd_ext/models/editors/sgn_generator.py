"""SGN's generator: mmagic's CycleGAN ResNet generator gated by the sym-parameter ``s``."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmagic.models.editors.cyclegan.cyclegan_generator import ResnetGenerator
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['SymGate', 'ResizeConv', 'SGNGenerator']

INITS = ('default', 'normal')
UPSAMPLES = ('deconv', 'nearest', 'bilinear')


class SymGate(nn.Module):
    """Channel gate conditioned on ``s``:
    ``g = sigmoid(FC2(ReLU(FC1([GAP(h), ReLU(W_c s)]))))``, ``h <- g * h``.

    Args:
        channels (int): Channels of the gated feature map.
        num_terms (int): Entries of ``s``.
        embed_channels (int): Width of ``W_c s``.
        hidden_channels (int): Width of ``FC1``.
    """

    def __init__(self, channels: int, num_terms: int, embed_channels: int,
                 hidden_channels: int):
        super().__init__()
        self.embed = nn.Linear(num_terms, embed_channels)
        self.fc1 = nn.Linear(channels + embed_channels, hidden_channels)
        self.fc2 = nn.Linear(hidden_channels, channels)

    def forward(self, h: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) features, (N, n) sym-parameters -> gated (N, C, H, W)."""
        z = torch.cat([h.mean(dim=(2, 3)), F.relu(self.embed(s))], dim=1)
        gate = torch.sigmoid(self.fc2(F.relu(self.fc1(z))))
        return h * gate[:, :, None, None]


class ResizeConv(nn.Sequential):
    """x2 upsampling by interpolation (``mode``: ``'nearest'`` or ``'bilinear'``), then a
    3x3 convolution with norm and ReLU: the resize-convolution of Odena et al., "Deconvolution
    and Checkerboard Artifacts" (Distill, 2016), in place of a stride-2 transposed conv."""

    def __init__(self, in_channels: int, out_channels: int, mode: str, norm_cfg: dict,
                 bias: bool, padding_mode: str):
        super().__init__(
            nn.Upsample(scale_factor=2, mode=mode,
                        align_corners=False if mode == 'bilinear' else None),
            ConvModule(in_channels, out_channels, 3, padding=1, bias=bias, norm_cfg=norm_cfg,
                       padding_mode=padding_mode))


@MODELS.register_module()
class SGNGenerator(BaseModule):
    """Sym-parameterized generator of "Image Translation to Mixed-Domain using
    Sym-Parameterized Generative Network" (SGN), ICCV 2019, arXiv 1811.12362.

    mmagic's ``ResnetGenerator`` (c7s1-C, two stride-2 downs, residual blocks, two ups,
    c7s1-3 + tanh; InstanceNorm, reflection padding) with a :class:`SymGate` after the
    first stage, after the downsampling and after the residual blocks. Any ``s`` is
    accepted at inference, also outside the simplex (extrapolation).

    Note:
        The defaults follow the official code: ``FC1`` has ``C / 4`` units
        (``gate_reduction=4``) and every layer keeps PyTorch's default initialisation
        (``init='default'``; the CycleGAN ``N(0, 0.02)`` call is commented out there).
        The width of ``W_c s`` is not given; it defaults to ``C``. Ablations:
        ``gate_reduction=1`` (``FC1`` as wide as ``C``), ``init='normal'`` (CycleGAN's
        ``N(0, init_gain)`` for the convolutions; ``gate_init`` then says whether the gates
        get it too) and ``upsample='nearest'``/``'bilinear'`` (resize + convolution instead
        of transposed convolutions). configs/sgn/README.md says which runs used which.

    Args:
        num_terms (int): Entries n of ``s`` (one per loss term / domain).
        in_channels (int): Defaults to 3.
        out_channels (int): Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 64.
        num_blocks (int): Residual blocks (>= 1). Defaults to 9.
        norm_cfg (dict, optional): Defaults to ``dict(type='IN')``.
        padding_mode (str): Defaults to ``'reflect'``.
        embed_channels (int, optional): Width of ``W_c s``. Defaults to the gated channels.
        hidden_channels (int, optional): Width of ``FC1``; overrides ``gate_reduction``.
        gate_reduction (int): ``FC1`` has ``max(1, C // gate_reduction)`` units. Defaults
            to 4.
        init (str): ``'default'`` (PyTorch's initialisation of every layer) or ``'normal'``
            (``N(0, init_gain)`` weights, zero biases for the convolutions). Defaults to
            ``'default'``.
        init_gain (float): Standard deviation of ``'normal'``. Defaults to 0.02.
        gate_init (str): ``'default'`` (PyTorch's ``Linear`` initialisation) or
            ``'normal'`` (``N(0, init_gain)``). Defaults to ``'default'``.
        upsample (str): ``'deconv'`` (stride-2 transposed convolutions), ``'nearest'`` or
            ``'bilinear'`` (:class:`ResizeConv`). Defaults to ``'deconv'``.
        init_cfg (dict, optional): A ``'Pretrained'`` checkpoint, or
            ``dict(type='normal', gain=...)``, an older spelling of ``init='normal'``.
            Defaults to None.
    """

    def __init__(self,
                 num_terms: int,
                 in_channels: int = 3,
                 out_channels: int = 3,
                 base_channels: int = 64,
                 num_blocks: int = 9,
                 norm_cfg: Optional[dict] = None,
                 padding_mode: str = 'reflect',
                 embed_channels: Optional[int] = None,
                 hidden_channels: Optional[int] = None,
                 gate_reduction: int = 4,
                 init: str = 'default',
                 init_gain: float = 0.02,
                 gate_init: str = 'default',
                 upsample: str = 'deconv',
                 init_cfg: Optional[dict] = None):
        if init_cfg is not None and init_cfg.get('type') not in ('normal', 'Pretrained'):
            raise ValueError(f"init_cfg type must be 'normal' or 'Pretrained', got {init_cfg!r}")
        if init_cfg is not None and init_cfg['type'] == 'normal':
            init, init_gain, init_cfg = 'normal', init_cfg.get('gain', init_gain), None
        super().__init__(init_cfg=init_cfg)
        for name, value, low in (('num_terms', num_terms, 1), ('num_blocks', num_blocks, 1),
                                 ('base_channels', base_channels, 1),
                                 ('gate_reduction', gate_reduction, 1)):
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f'{name} must be an int >= {low}, got {value!r}')
        for name, value, allowed in (('init', init, INITS), ('gate_init', gate_init, INITS),
                                     ('upsample', upsample, UPSAMPLES),
                                     ('padding_mode', padding_mode,
                                      ('reflect', 'replicate', 'zeros'))):
            if value not in allowed:
                raise ValueError(f'{name} must be one of {list(allowed)}, got {value!r}')
        self.init, self.init_gain, self.gate_init = init, float(init_gain), gate_init
        self.num_terms = num_terms
        norm_cfg = dict(type='IN') if norm_cfg is None else norm_cfg
        self.body = ResnetGenerator(
            in_channels, out_channels, base_channels=base_channels, norm_cfg=norm_cfg,
            use_dropout=False, num_blocks=num_blocks, padding_mode=padding_mode,
            init_cfg=None)
        if upsample != 'deconv':  # the two ups sit before the last layer
            for i, index in enumerate((len(self.body.model) - 3, len(self.body.model) - 2)):
                c = 4 * base_channels // 2**i
                self.body.model[index] = ResizeConv(c, c // 2, upsample, norm_cfg,
                                                    norm_cfg['type'] == 'IN', padding_mode)
        # layer index in body.model after which a gate acts -> gated channels
        self._gate_after = {0: base_channels, 2: 4 * base_channels,
                            2 + num_blocks: 4 * base_channels}
        self.gates = nn.ModuleDict({
            str(index): SymGate(c, num_terms, embed_channels or c,
                                hidden_channels or max(1, c // gate_reduction))
            for index, c in self._gate_after.items()
        })

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """Translate ``x`` (N, C_in, H, W), in [-1, 1], under ``s`` (N, n) or (n, ).

        Returns:
            Tensor: (N, C_out, H, W) in [-1, 1].
        """
        if s.dim() == 1:
            s = s.expand(x.shape[0], -1)
        if s.dim() != 2 or s.shape != (x.shape[0], self.num_terms):
            raise ValueError(f's must have shape ({x.shape[0]}, {self.num_terms}) for a '
                             f'batch of {x.shape[0]}, got {tuple(s.shape)}')
        s = s.to(x.dtype)
        h = x
        for index, layer in enumerate(self.body.model):
            h = layer(h)
            if index in self._gate_after:
                h = self.gates[str(index)](h, s)
        return h

    def init_weights(self) -> None:
        """``init='default'``: every convolution and gate redrawn by PyTorch's own
        ``reset_parameters`` (mmcv's ``ConvModule`` replaces it with Kaiming at
        construction); ``'normal'``: ``N(0, init_gain)`` weights and zero biases for the
        convolutions (mmagic's ``generation_init_weights``, which cannot run under a
        parent's ``BaseModule.init_weights`` in mmagic 1.2.0 / mmengine 0.10.7). The gates
        as ``gate_init`` says."""
        if self.init_cfg is not None:  # 'Pretrained'
            super().init_weights()
            return
        convs = (nn.Conv2d, nn.ConvTranspose2d)
        for module in self.modules():
            normal = (isinstance(module, convs) and self.init == 'normal') or (
                isinstance(module, nn.Linear) and self.gate_init == 'normal')
            if normal:
                nn.init.normal_(module.weight, 0.0, self.init_gain)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, convs + (nn.Linear, )):
                module.reset_parameters()
        self._is_init = True
