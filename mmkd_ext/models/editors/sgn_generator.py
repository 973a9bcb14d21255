"""SGN's generator: mmagic's CycleGAN ResNet generator gated by the sym-parameter ``s``."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmagic.models.editors.cyclegan.cyclegan_generator import ResnetGenerator
from mmengine.model import BaseModule
from torch import nn

from mmkd_ext.registry import MODELS

__all__ = ['SymGate', 'SGNGenerator']


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


@MODELS.register_module()
class SGNGenerator(BaseModule):
    """Sym-parameterized generator of "Image Translation to Mixed-Domain using
    Sym-Parameterized Generative Network" (SGN), ICCV 2019, arXiv 1811.12362.

    mmagic's ``ResnetGenerator`` (c7s1-C, two stride-2 downs, residual blocks, two ups,
    c7s1-3 + tanh; InstanceNorm, reflection padding) with a :class:`SymGate` after the
    first stage, after the downsampling and after the residual blocks. Any ``s`` is
    accepted at inference, also outside the simplex (extrapolation).

    Note:
        The gate widths are not given in the paper's text: ``W_c s`` and ``FC1`` default
        to the gated channel count (``embed_channels``, ``hidden_channels``). The
        convolutions get CycleGAN's ``N(0, 0.02)`` initialisation; the gates get PyTorch's
        default ``Linear`` one (``gate_init='default'``), under which ``s`` moves the gates
        from the first step, or CycleGAN's (``'normal'``), under which the gates start at
        ``sigmoid(~0)`` for every ``s``. configs/sgn/README.md compares the two.

    Args:
        num_terms (int): Entries n of ``s`` (one per loss term / domain).
        in_channels (int): Defaults to 3.
        out_channels (int): Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 64.
        num_blocks (int): Residual blocks (>= 1). Defaults to 9.
        norm_cfg (dict, optional): Defaults to ``dict(type='IN')``.
        padding_mode (str): Defaults to ``'reflect'``.
        embed_channels (int, optional): Width of ``W_c s``. Defaults to the gated channels.
        hidden_channels (int, optional): Width of ``FC1``. Defaults to the gated channels.
        gate_init (str): ``'default'`` (PyTorch's ``Linear`` initialisation) or
            ``'normal'`` (``N(0, gain)`` as the convolutions). Defaults to ``'default'``.
        init_cfg (dict, optional): ``dict(type='normal', gain=...)`` or a ``'Pretrained'``
            checkpoint. Defaults to ``dict(type='normal', gain=0.02)``.
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
                 gate_init: str = 'default',
                 init_cfg: Optional[dict] = None):
        init_cfg = dict(type='normal', gain=0.02) if init_cfg is None else init_cfg
        if init_cfg.get('type') not in ('normal', 'Pretrained'):
            raise ValueError(f"init_cfg type must be 'normal' or 'Pretrained', got {init_cfg!r}")
        super().__init__(init_cfg=init_cfg)
        for name, value, low in (('num_terms', num_terms, 1), ('num_blocks', num_blocks, 1),
                                 ('base_channels', base_channels, 1)):
            if not isinstance(value, int) or value < low:
                raise ValueError(f'{name} must be an int >= {low}, got {value!r}')
        if gate_init not in ('default', 'normal'):
            raise ValueError(f"gate_init must be 'default' or 'normal', got {gate_init!r}")
        self.gate_init = gate_init
        if padding_mode not in ('reflect', 'replicate', 'zeros'):
            raise ValueError(f"padding_mode must be 'reflect', 'replicate' or 'zeros', got "
                             f'{padding_mode!r}')
        self.num_terms = num_terms
        self.body = ResnetGenerator(
            in_channels, out_channels, base_channels=base_channels,
            norm_cfg=dict(type='IN') if norm_cfg is None else norm_cfg,
            use_dropout=False, num_blocks=num_blocks, padding_mode=padding_mode,
            init_cfg=None)
        # layer index in body.model after which a gate acts -> gated channels
        self._gate_after = {0: base_channels, 2: 4 * base_channels,
                            2 + num_blocks: 4 * base_channels}
        self.gates = nn.ModuleDict({
            str(index): SymGate(c, num_terms, embed_channels or c, hidden_channels or c)
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
        """``N(0, gain)`` weights and zero biases for the convolutions (mmagic's
        ``generation_init_weights`` with ``'normal'``, which cannot run under a parent's
        ``BaseModule.init_weights`` in mmagic 1.2.0 / mmengine 0.10.7); the gates as
        ``gate_init`` says."""
        if self.init_cfg.get('type') == 'Pretrained':
            super().init_weights()
            return
        normal = (nn.Conv2d, nn.ConvTranspose2d) + ((nn.Linear, )
                                                     if self.gate_init == 'normal' else ())
        for module in self.modules():
            if isinstance(module, normal):
                nn.init.normal_(module.weight, 0.0, self.init_cfg.get('gain', 0.02))
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                module.reset_parameters()
        self._is_init = True
