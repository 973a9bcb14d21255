"""SGN: one generator translating into any mix of domains and losses, set by ``s``."""
import copy
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmagic.models.utils import set_requires_grad
from mmagic.structures import DataSample
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapperDict
from torch import nn

from mmkd_ext.registry import MODELS
from .sgn_image_pool import SymImagePool

__all__ = ['SGN', 'DomainDiscriminators', 'parse_terms']

#: term kind -> the keys its config may hold (besides ``kind``)
TERM_KEYS = {
    'reconstruction': {'name', 'loss_weight'},
    'adversarial': {'domain', 'name', 'loss_weight', 'identity_weight'},
    'style': {'name', 'loss'},
}


def parse_terms(terms: Sequence[dict], source_domain: str) -> List[dict]:
    """Check SGN's term configs and fill in their defaults; the order is the order of ``s``.

    ``reconstruction``: ``loss_weight * |G(x, s) - x|`` on the source (name: the source
    domain, weight 2). ``adversarial``: LSGAN towards ``domain`` (name: the domain,
    weight 1) plus ``identity_weight * |G(x_domain, s) - x_domain|`` (default 5; 0 skips
    it). ``style``: a loss module (``PerceptualStyleLoss``) given as ``loss``.
    """
    if isinstance(terms, dict) or not terms:
        raise ValueError(f'terms must be a non-empty list of term dicts, got {terms!r}')
    parsed = []
    for index, term in enumerate(terms):
        term = dict(term)
        kind = term.pop('kind', None)
        if kind not in TERM_KEYS:
            raise ValueError(f'terms[{index}]: kind must be one of {list(TERM_KEYS)}, got '
                             f'{kind!r}')
        unknown = sorted(set(term) - TERM_KEYS[kind])
        if unknown:
            raise ValueError(f'terms[{index}] ({kind}): unknown keys {unknown}; allowed '
                             f'{sorted(TERM_KEYS[kind])}')
        if kind == 'adversarial' and not term.get('domain'):
            raise ValueError(f'terms[{index}]: an adversarial term needs its `domain`')
        if kind == 'style' and not isinstance(term.get('loss'), (dict, nn.Module)):
            raise ValueError(f'terms[{index}]: a style term needs `loss`, e.g. '
                             "dict(type='PerceptualStyleLoss', style_image=...)")
        defaults = dict(reconstruction=dict(name=source_domain, loss_weight=2.0),
                        adversarial=dict(name=term.get('domain'), loss_weight=1.0,
                                         identity_weight=5.0),
                        style=dict(name=None))[kind]
        term = {**defaults, **term, 'kind': kind}
        if not isinstance(term['name'], str) or not term['name']:
            raise ValueError(f'terms[{index}] ({kind}): `name` must be a non-empty string, '
                             f'got {term["name"]!r}')
        parsed.append(term)
    names = [t['name'] for t in parsed]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f'term names must be distinct (they name the entries of s); '
                         f'{dupes} repeat in {names}')
    domains = [t['domain'] for t in parsed if t['kind'] == 'adversarial']
    if source_domain in domains or len(set(domains)) != len(domains):
        raise ValueError(f'adversarial domains {domains} must be distinct and differ from '
                         f'the source domain {source_domain!r}')
    return parsed


class DomainDiscriminators(nn.ModuleDict):
    """One discriminator per domain, judged in a single call (one DDP forward per step)."""

    def forward(self, images: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        return {domain: self[domain](img) for domain, img in images.items()}


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if is_model_wrapper(module) else module


@MODELS.register_module()
class SGN(BaseModel):
    """Sym-parameterized Generative Network, "Image Translation to Mixed-Domain using
    Sym-Parameterized Generative Network", ICCV 2019 (arXiv 1811.12362).

    One generator ``G(x, s)`` (:class:`SGNGenerator`) translates a source image under the
    sym-parameter ``s`` with one entry per loss term (``terms``, in order). Each training
    sample draws ``s ~ Dirichlet(alpha)``; the same ``s`` conditions the generator and
    weights that sample's loss terms, and discriminator ``D_d``'s loss on a (replayed)
    fake is weighted by the ``s`` entry of domain ``d`` that made the fake. One step:

    1. ``generator``: ``mean_i sum_k s_ik L_k(i)`` over the terms: reconstruction of the
       source, LSGAN towards each adversarial domain (discriminators frozen) with its
       identity term, perceptual style transfer;
    2. ``discriminators``: per adversarial domain, ``mean_i s_ik * (GAN(D(real_i), 1) +
       GAN(D(fake_i), 0)) / 2`` with ``(fake_i, s_i)`` from a replay pool of 50 pairs.

    The identity images go through the generator in the same batch as the source (the
    generator's InstanceNorm works per sample), so each network has one forward per step.

    Note:
        The discriminator's real term is weighted with the same ``s`` entry as its paired
        fake, so a domain absent from a sample's mix leaves its discriminator untouched.
        The GAN losses are mmagic's ``GANLoss`` evaluated per sample.

    Optimizers: an ``OptimWrapperDict`` with keys ``generator`` and, when a term is
    adversarial, ``discriminators`` (mmagic's ``MultiOptimWrapperConstructor``). Under
    ``--launcher pytorch`` use ``MMSeparateDistributedDataParallel``.

    Args:
        generator (dict): Config of the generator; ``num_terms`` is filled in.
        terms (Sequence[dict]): Loss terms, one per entry of ``s`` (:func:`parse_terms`).
        source_domain (str): Domain of the inputs (``img_{source_domain}`` in a batch).
        discriminator (dict, optional): Built once per adversarial domain. Defaults to
            mmagic's 70x70 ``PatchDiscriminator`` (64 channels, InstanceNorm).
        gan_loss (dict, optional): Defaults to ``mmagic.GANLoss`` with ``'lsgan'``.
        alpha (float | Sequence[float]): Dirichlet concentration. Defaults to 0.5.
        pool_size (int): ``(fake, s)`` pairs replayed per domain. Defaults to 50.
        data_preprocessor (dict, optional): Defaults to mmagic's ``DataPreprocessor``
            (to [-1, 1]).
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 generator: dict,
                 terms: Sequence[dict],
                 source_domain: str,
                 discriminator: Optional[dict] = None,
                 gan_loss: Optional[dict] = None,
                 alpha: Union[float, Sequence[float]] = 0.5,
                 pool_size: int = 50,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=data_preprocessor or dict(type='mmagic.DataPreprocessor',
                                                         data_keys=None),
            init_cfg=init_cfg)
        self.source_domain = source_domain
        self.terms = parse_terms(terms, source_domain)
        n = len(self.terms)
        alpha = [float(alpha)] * n if isinstance(alpha, (int, float)) else list(alpha)
        if len(alpha) != n or min(alpha) <= 0:
            raise ValueError(f'alpha must be a positive number or {n} positive numbers (one '
                             f'per term {self.term_names}), got {alpha!r}')
        self.register_buffer('alpha', torch.tensor(alpha), persistent=False)
        gen_cfg = copy.deepcopy(generator)
        if gen_cfg.setdefault('num_terms', n) != n:
            raise ValueError(f'generator num_terms={gen_cfg["num_terms"]} but there are {n} '
                             f'terms {self.term_names}; leave num_terms out')
        self.generator = MODELS.build(gen_cfg)
        self.gan_loss = MODELS.build(gan_loss or dict(type='mmagic.GANLoss', gan_type='lsgan'))
        disc_cfg = discriminator or dict(
            type='mmagic.PatchDiscriminator', in_channels=3, base_channels=64, num_conv=3,
            norm_cfg=dict(type='IN'), init_cfg=dict(type='normal', gain=0.02))
        self.adv_domains = [t['domain'] for t in self.terms if t['kind'] == 'adversarial']
        self.discriminators = DomainDiscriminators(
            {d: MODELS.build(copy.deepcopy(disc_cfg)) for d in self.adv_domains})
        self.pools = nn.ModuleDict({d: SymImagePool(pool_size) for d in self.adv_domains})
        self.style_losses = nn.ModuleDict({
            t['name']: t['loss'] if isinstance(t['loss'], nn.Module) else MODELS.build(t['loss'])
            for t in self.terms if t['kind'] == 'style'
        })

    def init_weights(self) -> None:
        """Initialise the generator and each discriminator on their own, as mmagic's
        ``BaseTranslationModel`` does: mmagic 1.2.0's ``generation_init_weights`` fails on
        the sub-modules that mmengine 0.10.7's ``BaseModule.init_weights`` tags first.
        Under ``MMSeparateDistributedDataParallel`` both are wrapped by the time the Runner
        initialises weights."""
        for module in [_unwrap(self.generator), *_unwrap(self.discriminators).values()]:
            module.init_weights()

    @property
    def term_names(self) -> List[str]:
        """The names of the entries of ``s``, in order."""
        return [t['name'] for t in self.terms]

    def optim_keys(self) -> List[str]:
        """The ``optim_wrapper`` keys a config must give."""
        return ['generator'] + (['discriminators'] if self.adv_domains else [])

    def sample_sym(self, num: int) -> torch.Tensor:
        """``num`` draws of ``s ~ Dirichlet(alpha)``, (num, n)."""
        return torch.distributions.Dirichlet(self.alpha).sample((num, ))

    # ------------------------------------------------------------------ training
    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        if not isinstance(optim_wrapper, OptimWrapperDict) or sorted(
                optim_wrapper.keys()) != sorted(self.optim_keys()):
            have = sorted(optim_wrapper.keys()) if isinstance(optim_wrapper,
                                                              OptimWrapperDict) else None
            raise ValueError(f'SGN needs an OptimWrapperDict with keys {self.optim_keys()}, '
                             f'got {have or type(optim_wrapper).__name__} (set '
                             "optim_wrapper.constructor='mmagic.MultiOptimWrapperConstructor')")
        inputs = self._check_inputs(self.data_preprocessor(data, True)['inputs'])
        source = inputs[f'img_{self.source_domain}']
        s = self.sample_sym(source.shape[0]).to(source)

        wrapper = optim_wrapper['generator']
        with wrapper.optim_context(self.generator):
            outputs = self.generate(source, s, inputs)
            set_requires_grad(self.discriminators, False)
            losses = self.generator_losses(source, outputs, s, inputs)
            set_requires_grad(self.discriminators, True)
            loss, log_vars = self.parse_losses(losses)
        wrapper.update_params(loss)

        if self.adv_domains:
            wrapper = optim_wrapper['discriminators']
            with wrapper.optim_context(self.discriminators):
                fakes = {d: self.pools[d].query(outputs['fake'], s) for d in self.adv_domains}
                loss_d, log_d = self.parse_losses(self.discriminator_losses(fakes, inputs))
            wrapper.update_params(loss_d)
            log_d.pop('loss')
            log_vars.update(log_d)
        return {k: v.detach() for k, v in log_vars.items()}

    def generate(self, source: torch.Tensor, s: torch.Tensor,
                 inputs: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``fake = G(source, s)`` and ``identity_{d} = G(x_d, s)`` for the adversarial
        domains with an identity term, in one generator call."""
        id_domains = [t['domain'] for t in self.terms
                      if t['kind'] == 'adversarial' and t['identity_weight'] > 0]
        images = [source] + [inputs[f'img_{d}'] for d in id_domains]
        out = self.generator(torch.cat(images), s.repeat(len(images), 1))
        chunks = out.split(source.shape[0])
        return {'fake': chunks[0], **{f'identity_{d}': c for d, c in zip(id_domains, chunks[1:])}}

    def _per_sample_gan(self, pred: torch.Tensor, real: bool, is_disc: bool) -> torch.Tensor:
        return torch.stack([self.gan_loss(p[None], real, is_disc=is_disc) for p in pred])

    def generator_losses(self, source: torch.Tensor, outputs: Dict[str, torch.Tensor],
                         s: torch.Tensor, inputs: Dict[str, torch.Tensor]) -> dict:
        """Every term per sample, weighted by its ``s`` entry and averaged over the batch.

        Args:
            source (Tensor): (N, 3, H, W) source images in [-1, 1].
            outputs (dict): ``fake`` and ``identity_{domain}`` from :meth:`generate`.
            s (Tensor): (N, n) sym-parameters.
            inputs (dict): The batch, ``img_{domain}`` (N, 3, H, W) per domain.
        """
        fake, losses = outputs['fake'], {}
        discriminators = _unwrap(self.discriminators)
        for k, term in enumerate(self.terms):
            w, name = s[:, k], term['name']
            if term['kind'] == 'reconstruction':
                rec = (fake - source).abs().flatten(1).mean(1)
                losses[f'loss_rec_{name}'] = (w * term['loss_weight'] * rec).mean()
            elif term['kind'] == 'adversarial':
                domain = term['domain']
                adv = self._per_sample_gan(discriminators[domain](fake), True, False)
                losses[f'loss_adv_{name}'] = (w * term['loss_weight'] * adv).mean()
                if term['identity_weight'] > 0:
                    real = inputs[f'img_{domain}']
                    idt = (outputs[f'identity_{domain}'] - real).abs().flatten(1).mean(1)
                    losses[f'loss_id_{name}'] = (w * term['identity_weight'] * idt).mean()
            else:
                out = self.style_losses[name](fake, source)
                losses[f'loss_content_{name}'] = (w * out['content']).mean()
                losses[f'loss_style_{name}'] = (w * out['style']).mean()
        return losses

    def discriminator_losses(self, fakes: Dict[str, tuple],
                             inputs: Dict[str, torch.Tensor]) -> dict:
        """``fakes[domain] = (fake images, their s)`` -> ``loss_d_{domain}`` per domain."""
        n = inputs[f'img_{self.source_domain}'].shape[0]
        preds = self.discriminators(
            {d: torch.cat([inputs[f'img_{d}'], fakes[d][0]]) for d in self.adv_domains})
        losses = {}
        for k, term in enumerate(self.terms):
            if term['kind'] != 'adversarial':
                continue
            domain = term['domain']
            real, fake = preds[domain][:n], preds[domain][n:]
            per_sample = 0.5 * (self._per_sample_gan(real, True, True) +
                                self._per_sample_gan(fake, False, True))
            losses[f'loss_d_{domain}'] = (fakes[domain][1][:, k] * per_sample).mean()
        return losses

    def _check_inputs(self, inputs) -> Dict[str, torch.Tensor]:
        wanted = [f'img_{d}' for d in [self.source_domain] + self.adv_domains]
        if not isinstance(inputs, dict) or any(k not in inputs for k in wanted):
            have = sorted(inputs) if isinstance(inputs, dict) else type(inputs).__name__
            raise KeyError(f'SGN needs a batch with {wanted} (mmagic.PackInputs(keys=...) '
                           f'of UnpairedMultiDomainDataset), got {have}')
        return inputs

    # ------------------------------------------------------------------ inference
    def translate(self, img: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """``G(img, s)``: (N, 3, H, W) in [-1, 1], ``s`` (n, ) or (N, n) -> (N, 3, H, W)."""
        return self.generator(img, s.to(img))

    def forward(self, inputs, data_samples=None, mode: str = 'tensor',
                s: Optional[torch.Tensor] = None):
        """``'tensor'``: ``G(source, s)`` (``s`` defaults to the uniform mix);
        ``'predict'``: a ``DataSample`` per image with ``fake_{name}``, the translation
        under each term alone (one-hot ``s``), in the source's colour order and [0, 255]."""
        source = inputs[f'img_{self.source_domain}'] if isinstance(inputs, dict) else inputs
        n = len(self.terms)
        if mode == 'tensor':
            return self.translate(source, torch.full((n, ), 1.0 / n) if s is None else s)
        if mode == 'predict':
            samples = data_samples.split() if isinstance(data_samples, DataSample) else (
                data_samples or [DataSample() for _ in range(source.shape[0])])
            key = f'img_{self.source_domain}' if isinstance(inputs, dict) else 'img'
            eye = torch.eye(n)
            for k, name in enumerate(self.term_names):
                fake = self.translate(source, eye[k])
                for i, sample in enumerate(samples):
                    sample.set_tensor_data({f'fake_{name}': self.data_preprocessor.destruct(
                        fake[i], sample, key)})
            return list(samples)
        raise ValueError(f'mode must be "tensor" or "predict" (training goes through '
                         f'train_step with an OptimWrapperDict), got {mode!r}')
