"""Online adversarial feature-map distillation among K classifiers trained together."""
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.dist import all_reduce_params, get_world_size
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import AmpOptimWrapper, OptimWrapperDict
from mmpretrain.structures import DataSample
from torch import nn

from mmkd_ext.registry import MODELS
from ..feature_taps import FeatureTaps
from ..losses.dml_loss import dml_loss
from ..losses.fitnet_loss import fitnet_loss
from ..losses.lsgan_loss import lsgan_d_loss, lsgan_g_loss
from .base import build_model

__all__ = ['AFD']

_MODES = ('adversarial', 'l1', 'none')


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if is_model_wrapper(module) else module


def _average_gradients(modules: Sequence[nn.Module]) -> None:
    """Average the gradients of ``modules`` over the processes (no-op in one process)."""
    if get_world_size() > 1:
        grads = [p.grad for m in modules for p in m.parameters() if p.grad is not None]
        all_reduce_params(grads, op='mean')


@MODELS.register_module()
class AFD(BaseModel):
    """Feature-map-level Online Adversarial Knowledge Distillation, ICML 2020 (arXiv 2002.01775).

    K >= 2 mmpretrain classifiers (``net0`` ... ``net{K-1}``, any architectures) train from
    scratch together. One training step, in the paper's order:

    1. every network on its own head loss (CE) plus the DML term towards each peer's
       detached, softened logits (``T^2 KL``, averaged over peers);
    2. ``feature_mode='adversarial'``: discriminator ``disc{k}`` on the LSGAN loss with the
       (transferred) last-stage map of network ``(k - 1) mod K`` as "real" and that of
       network ``k`` as "fake", both detached (the cyclic scheme: K discriminators);
    3. every network (and its transfer layer) on ``(1 - disc{k}(map_k))^2``, or, with
       ``feature_mode='l1'``, on ``|map_k - sg(map_{k-1})|`` instead of a discriminator.

    ``feature_mode='none'`` is DML; with ``dml_weight=0`` too, independent training. Feature
    maps must share their spatial size; a network whose channels differ from the common
    count (``transfer_channels``, default the largest) gets a transfer layer ``trans{k}``.

    Optimizers: ``optim_wrapper`` is an ``OptimWrapperDict`` whose keys are exactly the
    sub-modules with parameters (``net{k}``, ``disc{k}``, ``trans{k}``), e.g. built by
    ``constructor='mmagic.MultiOptimWrapperConstructor'``; param schedulers per key.

    Note:
        The paper updates the networks on the adversarial loss with a second, slower
        optimizer. Here step 3 reuses ``net{k}``'s optimizer with the loss scaled by
        ``adv_weight`` (a smaller step), so that config keys stay module names. Steps 2 and 3
        use features recomputed after step 1 (a second forward per network).

    Distributed training: wrap with ``MMSeparateDistributedDataParallel`` (each sub-module
    its own DDP). Step 1 and the discriminator step go through the DDP wrappers; the
    heads take no part in step 3, so its forward runs on the plain modules and the
    gradients of network ``k`` and ``trans{k}`` are averaged over the processes by hand.
    A discriminator judges real and fake maps in one batch (one DDP forward per update).

    Args:
        nets (Sequence[dict]): Configs of the K classifiers (``mmpretrain.ImageClassifier``).
        taps (str | Sequence[str]): Module path of each network's last-stage feature map,
            one for all or one per network. Defaults to ``'backbone.layer3'``.
        feature_mode (str): ``'adversarial'``, ``'l1'`` or ``'none'``.
            Defaults to ``'adversarial'``.
        temperature (float): DML temperature T. Defaults to 3.0.
        dml_weight (float): Weight of the DML term. Defaults to 1.0.
        adv_weight (float): Weight of the networks' adversarial (or L1) term. Defaults to 1.0.
        transfer_channels (int, optional): Common channels of the compared maps. Defaults to
            None (the largest tapped channel count).
        transfer (dict, optional): Transfer layer config; channels are filled in. Defaults
            to None (``dict(type='TransferLayer')``: 1x1 conv, BN, ReLU).
        discriminator (dict, optional): Discriminator config; ``in_channels`` is filled in.
            Defaults to ``dict(type='FeatureMapDiscriminator')``.
        eval_net (int): Network whose predictions ``predict`` returns as ``pred_score``.
            Every network's scores are in ``net_pred_scores`` (K, num_classes).
            Defaults to 0.
        probe_shape (Sequence[int]): (C, H, W) of the zero input used at build time to find
            the tapped shapes. Defaults to (3, 32, 32).
        data_preprocessor (dict, optional): Feeds every network (the Runner fills it from
            the config's ``data_preprocessor``; default type ``ClsDataPreprocessor``).
            Defaults to None (``net0``'s).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 nets: Sequence[dict],
                 taps: Union[str, Sequence[Optional[str]]] = 'backbone.layer3',
                 feature_mode: str = 'adversarial',
                 temperature: float = 3.0,
                 dml_weight: float = 1.0,
                 adv_weight: float = 1.0,
                 transfer_channels: Optional[int] = None,
                 transfer: Optional[dict] = None,
                 discriminator: Optional[dict] = None,
                 eval_net: int = 0,
                 probe_shape: Sequence[int] = (3, 32, 32),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is not None:
            data_preprocessor = dict(data_preprocessor)
            data_preprocessor.setdefault('type', 'mmpretrain.ClsDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if not isinstance(nets, (list, tuple)) or len(nets) < 2:
            raise ValueError(f'AFD trains K >= 2 networks together; `nets` must be a list of '
                             f'at least two model configs, got {nets!r}')
        if feature_mode not in _MODES:
            raise ValueError(f'feature_mode must be one of {_MODES}, got {feature_mode!r}')
        if not temperature > 0:
            raise ValueError(f'temperature must be > 0, got {temperature!r}')
        self.num_nets = len(nets)
        if eval_net not in range(self.num_nets):
            raise ValueError(f'eval_net must be in 0..{self.num_nets - 1}, got {eval_net!r}')
        self.feature_mode = feature_mode
        self.temperature = float(temperature)
        self.dml_weight = float(dml_weight)
        self.adv_weight = float(adv_weight)
        self.eval_net = eval_net
        for k, cfg in enumerate(nets):
            self.add_module(f'net{k}', build_model(cfg))
        if data_preprocessor is None:
            self.data_preprocessor = self.net0.data_preprocessor

        self.taps: List[Optional[str]] = self._check_taps(taps)
        # built whenever every network has a tap: also DML runs can report feature similarity
        self._taps: List[FeatureTaps] = [] if None in self.taps else [
            FeatureTaps(self._net(k), [tap]) for k, tap in enumerate(self.taps)]
        if feature_mode != 'none':
            channels = self._probe_channels(tuple(probe_shape))
            common = transfer_channels or max(channels)
            for k, c in enumerate(channels):
                if c != common:
                    self.add_module(f'trans{k}', self._build_transfer(k, transfer, c, common))
            if feature_mode == 'adversarial':
                cfg = dict(discriminator or dict(type='FeatureMapDiscriminator'))
                cfg.setdefault('in_channels', common)
                for k in range(self.num_nets):
                    self.add_module(f'disc{k}', MODELS.build(cfg))

    def _check_taps(self, taps) -> List[Optional[str]]:
        taps = [taps] * self.num_nets if isinstance(taps, str) or taps is None else list(taps)
        taps = [tap or None for tap in taps]
        if len(taps) != self.num_nets:
            raise ValueError(f'taps: give one module path for all networks or one per '
                             f'network ({self.num_nets}), got {len(taps)}')
        if self.feature_mode != 'none':
            missing = [f'net{k}' for k, tap in enumerate(taps) if not tap]
            if missing:
                raise ValueError(
                    f'feature_mode={self.feature_mode!r} compares every network\'s feature map '
                    f'in a cycle, but {missing} have no tapped feature; give each a module '
                    "path (e.g. 'backbone.layer3') or use feature_mode='none'")
        return taps

    def _probe_channels(self, probe_shape) -> List[int]:
        """Run every network once (eval mode, no grad) to check the taps and learn shapes."""
        x = torch.zeros(1, *probe_shape)
        shapes = []
        for k in range(self.num_nets):
            net, mode = self._net(k), self._net(k).training
            net.eval()
            with torch.no_grad(), self._taps[k].record() as feats:
                net(x, mode='tensor')
            net.train(mode)
            feat = feats[self.taps[k]]
            if feat.dim() != 4:
                raise ValueError(f'net{k}: tap {self.taps[k]!r} gives a {tuple(feat.shape)} '
                                 'tensor; tap a (N, C, H, W) feature map')
            shapes.append(tuple(feat.shape))
        if len({s[2:] for s in shapes}) > 1:
            raise ValueError(f'the tapped feature maps differ in spatial size '
                             f'{[s[2:] for s in shapes]} (net0...); tap layers at the same '
                             'resolution, a 1x1 transfer layer cannot resample')
        return [s[1] for s in shapes]

    @staticmethod
    def _build_transfer(k: int, cfg: Optional[dict], in_channels: int,
                        out_channels: int) -> nn.Module:
        cfg = dict(cfg or dict(type='TransferLayer'))
        cfg.setdefault('in_channels', in_channels)
        cfg.setdefault('out_channels', out_channels)
        if (cfg['in_channels'], cfg['out_channels']) != (in_channels, out_channels):
            raise ValueError(
                f'the transfer layer of net{k} maps {cfg["in_channels"]} -> '
                f'{cfg["out_channels"]} channels but must map {in_channels} -> {out_channels}; '
                'leave the channels out of `transfer` to infer them')
        return MODELS.build(cfg)

    def _net(self, k: int) -> nn.Module:
        return getattr(self, f'net{k}')

    def _module(self, name: str) -> Optional[nn.Module]:
        return self._modules.get(name)

    def optim_keys(self) -> List[str]:
        """Names of the sub-modules that need an optimizer: ``optim_wrapper``'s keys."""
        return [name for name, module in self.named_children()
                if any(p.requires_grad for p in module.parameters())]

    def _check_optim_wrapper(self, optim_wrapper: OptimWrapperDict) -> None:
        expected = self.optim_keys()
        if not isinstance(optim_wrapper, OptimWrapperDict):
            raise ValueError(f'AFD needs an OptimWrapperDict with one optimizer per module '
                             f'{expected}, got {type(optim_wrapper).__name__}; configure '
                             "optim_wrapper=dict(constructor='mmagic.MultiOptimWrapperConstructor"
                             "', net0=dict(optimizer=...), ...)")
        keys = list(optim_wrapper.keys())
        if sorted(keys) != sorted(expected):
            raise ValueError(f'optim_wrapper keys {sorted(keys)} do not match the modules '
                             f'with parameters {sorted(expected)}')
        if self.feature_mode == 'adversarial':
            for k in range(self.num_nets):
                groups = optim_wrapper[f'disc{k}'].optimizer.param_groups
                if all(g.get('initial_lr', g['lr']) == 0 for g in groups):
                    raise ValueError(f'disc{k} has learning rate 0: the discriminators would '
                                     "never learn; give them a learning rate or use "
                                     "feature_mode='l1'/'none'")
        amp = [k for k in keys if k.startswith('trans')
               and isinstance(optim_wrapper[k], AmpOptimWrapper)]
        if amp:  # trans{k} steps on a gradient scaled by net{k}'s loss scaler
            raise ValueError(f'{amp} use AmpOptimWrapper: mixed precision with transfer layers '
                             'is not supported; train without --amp or with equal channels')

    @contextmanager
    def _frozen(self, modules: Sequence[nn.Module]) -> Iterator[None]:
        flags = [(p, p.requires_grad) for m in modules for p in m.parameters()]
        for p, _ in flags:
            p.requires_grad_(False)
        try:
            yield
        finally:
            for p, flag in flags:
                p.requires_grad_(flag)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """Networks on CE + DML, then discriminators, then networks on the feature term."""
        self._check_optim_wrapper(optim_wrapper)
        data = self.data_preprocessor(data, True)
        inputs, samples = data['inputs'], data['data_samples']
        K = self.num_nets
        losses = {}

        logits = []
        for k in range(K):
            with optim_wrapper[f'net{k}'].optim_context(self._net(k)):
                logits.append(self._net(k)(inputs, mode='tensor'))
        for k in range(K):
            loss_cls = _unwrap(self._net(k)).head._get_loss(logits[k], samples)['loss']
            peers = [logits[j] for j in range(K) if j != k]
            loss_dml = self.dml_weight * sum(
                dml_loss(logits[k], peer, self.temperature) for peer in peers) / len(peers)
            optim_wrapper[f'net{k}'].update_params(loss_cls + loss_dml)
            losses.update({f'net{k}.loss_cls': loss_cls, f'net{k}.loss_dml': loss_dml})

        if self.feature_mode != 'none':
            feats = self._feature_maps(inputs, optim_wrapper)
            if self.feature_mode == 'adversarial':
                losses.update(self._update_discriminators(feats, optim_wrapper))
            losses.update(self._update_nets_on_features(feats, optim_wrapper))

        _, log_vars = self.parse_losses({k: v.detach() for k, v in losses.items()})
        log_vars.pop('loss', None)  # a sum over different updates means nothing
        return log_vars

    def _feature_maps(self, inputs: torch.Tensor,
                      optim_wrapper: OptimWrapperDict) -> List[torch.Tensor]:
        """Every network's (transferred) last-stage map, after the logit update. Plain
        modules, not DDP wrappers: see the class docstring."""
        feats = []
        for k in range(self.num_nets):
            net = _unwrap(self._net(k))
            with optim_wrapper[f'net{k}'].optim_context(net), \
                    self._taps[k].record() as recorded:
                net(inputs, mode='tensor')
            feat = recorded[self.taps[k]]
            trans = self._module(f'trans{k}')
            if trans is not None:
                with optim_wrapper[f'trans{k}'].optim_context(_unwrap(trans)):
                    feat = _unwrap(trans)(feat)
            feats.append(feat)
        return feats

    def _update_discriminators(self, feats: List[torch.Tensor],
                               optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        losses = {}
        for k in range(self.num_nets):
            disc, wrapper = self._module(f'disc{k}'), optim_wrapper[f'disc{k}']
            real, fake = feats[k - 1].detach(), feats[k].detach()  # k - 1 wraps to K - 1
            with wrapper.optim_context(disc):
                real_score, fake_score = disc(torch.cat([real, fake])).split(
                    [len(real), len(fake)])
                loss_d = lsgan_d_loss(real_score, fake_score)
                wrapper.update_params(loss_d)
            losses[f'disc{k}.loss_d'] = loss_d
        return losses

    def _update_nets_on_features(self, feats: List[torch.Tensor],
                                 optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        losses = {}
        discs = [_unwrap(self._module(f'disc{k}')) for k in range(self.num_nets)
                 if self.feature_mode == 'adversarial']
        with self._frozen(discs):
            for k in range(self.num_nets):
                wrapper = optim_wrapper[f'net{k}']
                trans = self._module(f'trans{k}')
                updated = [(self._net(k), wrapper)] + (
                    [(trans, optim_wrapper[f'trans{k}'])] if trans is not None else [])
                with wrapper.optim_context(self._net(k)):
                    if self.feature_mode == 'adversarial':
                        name, loss = 'loss_adv', lsgan_g_loss(discs[k](feats[k]))
                    else:
                        name, loss = 'loss_l1', fitnet_loss(feats[k], feats[k - 1], 'l1')
                    loss = self.adv_weight * loss
                    wrapper.backward(wrapper.scale_loss(loss))
                _average_gradients([module for module, _ in updated])
                if wrapper.should_update():  # trans{k}'s gradient came with network k's loss
                    for _, w in updated:
                        w.step()
                        w.zero_grad()
                losses[f'net{k}.{name}'] = loss
        return losses

    @torch.no_grad()
    def feature_maps(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """(N, C, H, W) preprocessed inputs -> every network's tapped map (before any
        transfer layer), ``[(N, C_k, H_k, W_k)] * K``."""
        if not self._taps:
            raise ValueError(f'feature_maps needs a tap on every network, got {self.taps}')
        maps = []
        for k in range(self.num_nets):
            with self._taps[k].record() as recorded:
                _unwrap(self._net(k))(inputs, mode='tensor')
            maps.append(recorded[self.taps[k]])
        return maps

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """``'tensor'``: a list of every network's logits; ``'predict'``: data samples."""
        if mode == 'tensor':
            return [self._net(k)(inputs, mode='tensor') for k in range(self.num_nets)]
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'loss':
            raise ValueError('AFD updates several modules in turn: train it with train_step '
                             '(a Runner with an OptimWrapperDict), not with mode="loss"')
        raise ValueError(f'mode must be "tensor" or "predict", got {mode!r}')

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        """(N, C, H, W) -> N data samples: ``pred_score``/``pred_label`` of ``eval_net``,
        ``net_pred_scores`` (K, num_classes) of every network."""
        scores = torch.stack([F.softmax(z, dim=1) for z in self.forward(inputs)], dim=1)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(inputs))]
        for sample, score in zip(data_samples, scores):
            own = score[self.eval_net]
            sample.set_pred_score(own).set_pred_label(own.argmax(keepdim=True))
            sample.set_field(score, 'net_pred_scores')
        return data_samples
