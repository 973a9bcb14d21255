"""Online adversarial feature-map distillation among K classifiers trained together."""
from contextlib import nullcontext
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from mmpretrain.structures import DataSample
from torch import nn

from mmkd_ext.registry import MODELS

from ..feature_taps import FeatureTaps
from ..losses.dml_loss import dml_loss
from ..losses.fitnet_loss import fitnet_loss
from ..losses.lsgan_loss import lsgan_d_loss, lsgan_g_loss
from .afd_optim import ADV, check_optim_wrapper
from .base import build_model
from .plumbing import average_gradients, build_connector, judging, probe, unwrap

__all__ = ['AFD']

_MODES = ('adversarial', 'l1', 'none')


@MODELS.register_module()
class AFD(BaseModel):
    """Feature-map-level Online Adversarial Knowledge Distillation, ICML 2020 (arXiv 2002.01775).

    K >= 2 mmpretrain classifiers (``net0`` ... ``net{K-1}``, any architectures) train from
    scratch together. One training step, in the paper's order:

    1. every network on its own head loss (CE) plus the DML term towards each peer's
       detached, softened logits (``T^2 KL``, averaged over peers), with optimizer
       ``net{k}``;
    2. ``feature_mode='adversarial'``: discriminator ``disc{k}`` on the LSGAN loss with the
       (transferred) last-stage map of network ``(k - 1) mod K`` as "real" and that of
       network ``k`` as "fake", both detached (the cyclic scheme: K discriminators);
    3. every network (and its transfer layer) on ``adv_weight * (1 - disc{k}(map_k))^2``,
       or, with ``feature_mode='l1'``, on ``adv_weight * |map_k - sg(map_{k-1})|``, with
       the network's own adversarial-step optimizer ``net{k}_adv``.

    ``feature_mode='none'`` is DML; with ``dml_weight=0`` too, independent training. Feature
    maps must share their spatial size; a network whose channels differ from the common
    count (``transfer_channels``, default the largest) gets a transfer layer ``trans{k}``,
    trained by the feature term only.

    ``fused=True`` runs one forward per network: its maps feed the discriminator step, then
    each network (and transfer layer) takes one step, with ``net{k}``, on
    ``CE + DML + adv_weight * feature term``. About half the network compute of the
    unfused step; the feature term's scale relative to the task is then ``adv_weight``
    alone (there is no ``net{k}_adv``).

    Optimizers: ``optim_wrapper`` is an ``OptimWrapperDict`` with the keys
    :meth:`optim_keys` lists: the sub-modules with parameters (``net{k}``, ``trans{k}``,
    ``disc{k}``) and, for the unfused feature step, the roles ``net{k}_adv`` (a second
    optimizer over ``net{k}``, e.g. SGD at a tenth of the task rate, without weight decay:
    the task optimizer applies it). ``constructor='RoleOptimWrapperConstructor'`` builds
    them from a config; param schedulers per key.

    Note:
        The paper updates the networks on the adversarial loss with a second, slower
        optimizer; ``net{k}_adv`` is that optimizer, with its own state (momentum) and
        learning rate. Steps 2 and 3 use maps recomputed after step 1 (a second forward
        per network). A discriminator judges the same way in both of its uses: real and
        fake maps in separate passes, each normalised by its own batch (with BatchNorm),
        in its own step and when it judges a network. While it judges a network it is a
        fixed judge: no parameter gradients and no running-statistics updates
        (:func:`~mmkd_ext.models.algorithms.plumbing.judging`).

    Distributed training: wrap with ``MMSeparateDistributedDataParallel`` (each sub-module
    its own DDP). Step 1, the discriminator step and the fused step go through the DDP
    wrappers; the heads take no part in step 3, so its forward runs on the plain modules
    and the gradients of network ``k`` and ``trans{k}`` are averaged by hand.

    Args:
        nets (Sequence[dict]): Configs of the K classifiers (``mmpretrain.ImageClassifier``).
        taps (str | Sequence[str]): Module path of each network's last-stage feature map,
            one for all or one per network. Defaults to ``'backbone.layer3'``.
        feature_mode (str): ``'adversarial'``, ``'l1'`` or ``'none'``.
            Defaults to ``'adversarial'``.
        temperature (float): DML temperature T. Defaults to 3.0.
        dml_weight (float): Weight of the DML term. Defaults to 1.0.
        adv_weight (float): Weight of the networks' adversarial (or L1) term. Defaults to 1.0.
        fused (bool): One forward and one step per network (see above); needs
            ``feature_mode`` ``'adversarial'`` or ``'l1'``. Defaults to False.
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
                 fused: bool = False,
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
        if fused and feature_mode == 'none':
            raise ValueError("fused=True merges the networks' feature step into their logit "
                             "step, but feature_mode='none' has no feature step; use "
                             "fused=False, or feature_mode='adversarial' or 'l1'")
        if not temperature > 0:
            raise ValueError(f'temperature must be > 0, got {temperature!r}')
        self.num_nets = len(nets)
        if eval_net not in range(self.num_nets):
            raise ValueError(f'eval_net must be in 0..{self.num_nets - 1}, got {eval_net!r}')
        self.feature_mode, self.fused = feature_mode, bool(fused)
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
                    self.add_module(f'trans{k}', build_connector(
                        transfer or dict(type='TransferLayer'), c, common, f'net{k}',
                        kind='transfer layer', ends=(f'net{k}', 'common')))
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
        """Run every network once on zeros to check the taps and learn the map shapes."""
        shapes = []
        for k in range(self.num_nets):
            shape = probe(self._net(k), self._taps[k], probe_shape)[0][self.taps[k]]
            if len(shape) != 4:
                raise ValueError(f'net{k}: tap {self.taps[k]!r} gives a {shape} tensor; tap a '
                                 '(N, C, H, W) feature map')
            shapes.append(shape)
        if len({s[2:] for s in shapes}) > 1:
            raise ValueError(f'the tapped feature maps differ in spatial size '
                             f'{[s[2:] for s in shapes]} (net0...); tap layers at the same '
                             'resolution, a 1x1 transfer layer cannot resample')
        return [s[1] for s in shapes]

    def _net(self, k: int) -> nn.Module:
        return getattr(self, f'net{k}')

    def _module(self, name: str) -> Optional[nn.Module]:
        return self._modules.get(name)

    def optim_modules(self) -> Dict[str, str]:
        """``optim_wrapper`` key -> the sub-module it optimises: every sub-module with
        parameters under its own name, and the roles ``net{k}_adv`` (unfused feature
        step) over ``net{k}``."""
        keys = {name: name for name, module in self.named_children()
                if any(p.requires_grad for p in module.parameters())}
        if self.feature_mode != 'none' and not self.fused:
            keys.update({f'net{k}{ADV}': f'net{k}' for k in range(self.num_nets)})
        return keys

    def optim_keys(self) -> List[str]:
        """The keys ``optim_wrapper`` must have (see :meth:`optim_modules`)."""
        return list(self.optim_modules())

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """Networks on CE + DML, then discriminators, then networks on the feature term;
        with ``fused``: discriminators, then networks on all their terms at once."""
        check_optim_wrapper(optim_wrapper, self.optim_keys(), self.feature_mode, self.fused)
        data = self.data_preprocessor(data, True)
        inputs, samples = data['inputs'], data['data_samples']
        if self.fused:
            logits, feats = self._forward(inputs, optim_wrapper, '', plain=False, maps=True)
            losses = self._update_discriminators(feats, optim_wrapper)
            terms = [dict(logit, **feat) for logit, feat in zip(
                self._logit_terms(logits, samples),
                self._feature_terms(feats, optim_wrapper, ''))]
            losses.update(self._step_nets(terms, optim_wrapper, '', synced=True))
        else:
            logits, _ = self._forward(inputs, optim_wrapper, '', plain=False, maps=False)
            losses = self._step_nets(self._logit_terms(logits, samples), optim_wrapper, '',
                                     synced=True)
            if self.feature_mode != 'none':
                _, feats = self._forward(inputs, optim_wrapper, ADV, plain=True, maps=True)
                losses.update(self._update_discriminators(feats, optim_wrapper))
                losses.update(self._step_nets(self._feature_terms(feats, optim_wrapper, ADV),
                                              optim_wrapper, ADV, synced=False))

        _, log_vars = self.parse_losses({k: v.detach() for k, v in losses.items()})
        log_vars.pop('loss', None)  # a sum over different updates means nothing
        return log_vars

    def _forward(self, inputs: torch.Tensor, optim_wrapper: OptimWrapperDict, role: str,
                 plain: bool, maps: bool) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Every network's logits and, with ``maps``, its (transferred) last-stage map.
        ``plain``: the modules, not their DDP wrappers (see the class docstring)."""
        logits, feats = [], []
        for k in range(self.num_nets):
            net = unwrap(self._net(k)) if plain else self._net(k)
            with optim_wrapper[f'net{k}{role}'].optim_context(net), \
                    (self._taps[k].record() if maps else nullcontext({})) as recorded:
                logits.append(net(inputs, mode='tensor'))
            if maps:
                feat, trans = recorded[self.taps[k]], self._module(f'trans{k}')
                if trans is not None:
                    trans = unwrap(trans) if plain else trans
                    with optim_wrapper[f'trans{k}'].optim_context(trans):
                        feat = trans(feat)
                feats.append(feat)
        return logits, feats

    def _logit_terms(self, logits: List[torch.Tensor],
                     samples: List[DataSample]) -> List[Dict[str, torch.Tensor]]:
        terms = []
        for k, own in enumerate(logits):
            peers = [z for j, z in enumerate(logits) if j != k]
            terms.append({
                'loss_cls': unwrap(self._net(k)).head._get_loss(own, samples)['loss'],
                'loss_dml': self.dml_weight * sum(
                    dml_loss(own, peer, self.temperature) for peer in peers) / len(peers)})
        return terms

    def _feature_terms(self, feats: List[torch.Tensor], optim_wrapper: OptimWrapperDict,
                       role: str) -> List[Dict[str, torch.Tensor]]:
        """Each network's feature term; discriminators judge as fixed judges."""
        if self.feature_mode == 'l1':  # k - 1 wraps to K - 1
            return [{'loss_l1': self.adv_weight * fitnet_loss(feat, feats[k - 1].detach(), 'l1')}
                    for k, feat in enumerate(feats)]
        discs = [unwrap(self._module(f'disc{k}')) for k in range(self.num_nets)]
        terms = []
        with judging(discs):
            for k, (feat, disc) in enumerate(zip(feats, discs)):
                with optim_wrapper[f'net{k}{role}'].optim_context(disc):
                    terms.append({'loss_adv': self.adv_weight * lsgan_g_loss(disc(feat))})
        return terms

    def _update_discriminators(self, feats: List[torch.Tensor],
                               optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        losses = {}
        if self.feature_mode != 'adversarial':
            return losses
        for k in range(self.num_nets):
            disc, wrapper = self._module(f'disc{k}'), optim_wrapper[f'disc{k}']
            real, fake = feats[k - 1].detach(), feats[k].detach()  # k - 1 wraps to K - 1
            with wrapper.optim_context(disc):  # separate passes: see the class Note
                loss_d = lsgan_d_loss(disc(real), disc(fake))
            wrapper.update_params(loss_d)
            losses[f'disc{k}.loss_d'] = loss_d
        return losses

    def _step_nets(self, terms: List[Dict[str, torch.Tensor]], optim_wrapper: OptimWrapperDict,
                   role: str, synced: bool) -> Dict[str, torch.Tensor]:
        """One step of every network on the sum of its ``terms[k]``, with ``net{k}{role}``;
        ``trans{k}`` steps with it when a term reached it. ``synced=False``: the forward
        ran on plain modules, gradients are averaged over the processes here."""
        losses = {}
        for k, net_terms in enumerate(terms):
            wrapper, trans = optim_wrapper[f'net{k}{role}'], self._module(f'trans{k}')
            updated = [(self._net(k), wrapper)]
            if trans is not None and set(net_terms) & {'loss_adv', 'loss_l1'}:
                updated.append((trans, optim_wrapper[f'trans{k}']))
            wrapper.backward(wrapper.scale_loss(sum(net_terms.values())))
            if not synced:
                average_gradients([module for module, _ in updated])
            if wrapper.should_update():  # trans{k}'s gradient came with network k's loss
                for _, w in updated:
                    w.step()
                    w.zero_grad()
            losses.update({f'net{k}.{name}': value for name, value in net_terms.items()})
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
                unwrap(self._net(k))(inputs, mode='tensor')
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
