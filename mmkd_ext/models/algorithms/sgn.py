"""SGN: one generator translating into any mix of domains and losses, set by ``s``."""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmagic.models.utils import set_requires_grad
from mmagic.structures import DataSample
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from torch import nn

from mmkd_ext.models.losses.sgn_terms import SGNTerm, TermInputs, parse_terms
from mmkd_ext.registry import MODELS

from .plumbing import unwrap
from .sgn_image_pool import SymImagePool

__all__ = ['SGN', 'DomainDiscriminators', 'parse_terms']

#: the only ``gan_loss`` accepted: SGN's adversarial terms are LSGAN (losses/lsgan_loss.py)
LSGAN = dict(gan_type='lsgan', real_label_val=1.0, fake_label_val=0.0, loss_weight=1.0)


def _check_gan_loss(gan_loss: Optional[dict]) -> None:
    """``gan_loss`` is kept for configs that name mmagic's LSGAN ``GANLoss``; SGN computes
    LSGAN itself (per sample), so anything else is refused rather than ignored."""
    if gan_loss is None:
        return
    cfg = dict(gan_loss)
    if cfg.pop('type', None) not in ('mmagic.GANLoss', 'GANLoss') or any(
            k not in LSGAN or v != LSGAN[k] for k, v in cfg.items()) or 'gan_type' not in cfg:
        raise ValueError("SGN's adversarial terms are LSGAN with targets 1/0: gan_loss may "
                         "be left out or be dict(type='mmagic.GANLoss', gan_type='lsgan'); "
                         f"weight a term with its loss_weight. Got {gan_loss!r}")


def _image_key(domain: str) -> str:
    """The batch key of a domain's images (``mmagic.PackInputs`` of
    ``UnpairedMultiDomainDataset``)."""
    return f'img_{domain}'


class DomainDiscriminators(nn.ModuleDict):
    """One discriminator per domain, judged in a single call (one DDP forward per step)."""

    def forward(self, images: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        return {domain: self[domain](img) for domain, img in images.items()}


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
    2. ``discriminators``: per adversarial domain, ``mean_i s_ik * ((1 - D(real_i))^2 +
       D(fake_i)^2) / 2`` with ``(fake_i, s_i)`` from a replay pool of 50 pairs.

    The identity images go through the generator in the same batch as the source (the
    generator's InstanceNorm works per sample), so each network has one forward per step.

    Note:
        The discriminator's real term is weighted with the same ``s`` entry as its paired
        fake, so a domain absent from a sample's mix leaves its discriminator untouched.
        The terms are the classes of ``mmkd_ext/models/losses/sgn_terms.py``; their GAN
        losses are LSGAN (``lsgan_loss.py``) per sample, means over each patch map.

    Optimizers: an ``OptimWrapperDict`` with keys ``generator`` and, when a term is
    adversarial, ``discriminators`` (mmagic's ``MultiOptimWrapperConstructor``). Under
    ``--launcher pytorch`` use ``MMSeparateDistributedDataParallel``.

    Args:
        generator (dict): Config of the generator; ``num_terms`` is filled in.
        terms (Sequence[dict | SGNTerm]): Loss terms, one per entry of ``s``: configs
            with ``kind=`` or term objects (:func:`parse_terms`).
        source_domain (str): Domain of the inputs (``img_{source_domain}`` in a batch).
        discriminator (dict, optional): Built once per adversarial domain. Defaults to
            mmagic's 70x70 ``PatchDiscriminator`` (64 channels, InstanceNorm).
        gan_loss (dict, optional): Only None or mmagic's LSGAN ``GANLoss`` (older configs
            name it); the adversarial terms compute LSGAN themselves.
        alpha (float | Sequence[float]): Dirichlet concentration. Defaults to 0.5.
        pool_size (int): ``(fake, s)`` pairs replayed per domain. Defaults to 50.
        data_preprocessor (dict, optional): Defaults to mmagic's ``DataPreprocessor``
            (to [-1, 1]).
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 generator: dict,
                 terms: Sequence[Union[dict, SGNTerm]],
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
        _check_gan_loss(gan_loss)
        disc_cfg = discriminator or dict(
            type='mmagic.PatchDiscriminator', in_channels=3, base_channels=64, num_conv=3,
            norm_cfg=dict(type='IN'), init_cfg=dict(type='normal', gain=0.02))
        self.adv_domains = [t.adversarial_domain for t in self.terms if t.adversarial_domain]
        self.discriminators = DomainDiscriminators(
            {d: MODELS.build(copy.deepcopy(disc_cfg)) for d in self.adv_domains})
        self.pools = nn.ModuleDict({d: SymImagePool(pool_size) for d in self.adv_domains})
        # the terms' loss modules (VGG for a style term), held here so they move with SGN
        losses = {t.name: t.build_loss() for t in self.terms}
        self.style_losses = nn.ModuleDict({k: m for k, m in losses.items() if m is not None})

    def init_weights(self) -> None:
        """Initialise the generator and each discriminator on their own, as mmagic's
        ``BaseTranslationModel`` does: mmagic 1.2.0's ``generation_init_weights`` fails on
        the sub-modules that mmengine 0.10.7's ``BaseModule.init_weights`` tags first.
        Under ``MMSeparateDistributedDataParallel`` both are wrapped by the time the Runner
        initialises weights."""
        for module in [unwrap(self.generator), *unwrap(self.discriminators).values()]:
            module.init_weights()

    @property
    def term_names(self) -> List[str]:
        """The names of the entries of ``s``, in order."""
        return [t.name for t in self.terms]

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
        source = inputs[_image_key(self.source_domain)]
        s = self.sample_sym(source.shape[0]).to(source)

        wrapper = optim_wrapper['generator']
        with wrapper.optim_context(self.generator):
            fake, identities = self.generate(source, s, inputs)
            set_requires_grad(self.discriminators, False)
            losses = self.generator_losses(source, fake, identities, s, inputs)
            set_requires_grad(self.discriminators, True)
            loss, log_vars = self.parse_losses(losses)
        wrapper.update_params(loss)

        if self.adv_domains:
            wrapper = optim_wrapper['discriminators']
            with wrapper.optim_context(self.discriminators):
                fakes = {d: self.pools[d].query(fake, s) for d in self.adv_domains}
                loss_d, log_d = self.parse_losses(self.discriminator_losses(fakes, inputs))
            wrapper.update_params(loss_d)
            log_d.pop('loss')
            log_vars.update(log_d)
        return {k: v.detach() for k, v in log_vars.items()}

    def generate(self, source: torch.Tensor, s: torch.Tensor, inputs: Dict[str, torch.Tensor]
                 ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """``fake = G(source, s)`` and, per term with an identity loss, ``G(x_d, s)`` for its
        domain ``d``, in one generator call -> ``(fake, {d: identity})``."""
        id_domains = [t.identity_domain for t in self.terms if t.identity_domain]
        images = [source] + [inputs[_image_key(d)] for d in id_domains]
        chunks = self.generator(torch.cat(images), s.repeat(len(images), 1)).split(
            source.shape[0])
        return chunks[0], dict(zip(id_domains, chunks[1:]))

    def generator_losses(self, source: torch.Tensor, fake: torch.Tensor,
                         identities: Dict[str, torch.Tensor], s: torch.Tensor,
                         inputs: Dict[str, torch.Tensor]) -> dict:
        """Every term per sample, weighted by its ``s`` entry and averaged over the batch.

        Args:
            source (Tensor): (N, 3, H, W) source images in [-1, 1].
            fake (Tensor): ``G(source, s)``, (N, 3, H, W).
            identities (dict): Domain -> ``G(x_domain, s)`` from :meth:`generate`.
            s (Tensor): (N, n) sym-parameters.
            inputs (dict): The batch, ``img_{domain}`` (N, 3, H, W) per domain.
        """
        term_inputs = TermInputs(
            source=source, fake=fake, identities=identities,
            images={d: inputs[_image_key(d)] for d in self.adv_domains},
            discriminators=unwrap(self.discriminators))
        losses = {}
        for k, term in enumerate(self.terms):
            for key, per_sample in term.generator_losses(term_inputs).items():
                losses[key] = (s[:, k] * per_sample).mean()
        return losses

    def discriminator_losses(self, fakes: Dict[str, tuple],
                             inputs: Dict[str, torch.Tensor]) -> dict:
        """``fakes[domain] = (fake images, their s)`` -> ``loss_d_{domain}`` per domain."""
        n = inputs[_image_key(self.source_domain)].shape[0]
        preds = self.discriminators(
            {d: torch.cat([inputs[_image_key(d)], fakes[d][0]]) for d in self.adv_domains})
        losses = {}
        for k, term in enumerate(self.terms):
            domain = term.adversarial_domain
            if domain is not None:
                per_sample = term.discriminator_loss(preds[domain][:n], preds[domain][n:])
                losses[f'loss_d_{domain}'] = (fakes[domain][1][:, k] * per_sample).mean()
        return losses

    def _check_inputs(self, inputs) -> Dict[str, torch.Tensor]:
        wanted = [_image_key(d) for d in [self.source_domain] + self.adv_domains]
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
        source = inputs[_image_key(self.source_domain)] if isinstance(inputs, dict) else inputs
        n = len(self.terms)
        if mode == 'tensor':
            return self.translate(source, torch.full((n, ), 1.0 / n) if s is None else s)
        if mode == 'predict':
            samples = data_samples.split() if isinstance(data_samples, DataSample) else (
                data_samples or [DataSample() for _ in range(source.shape[0])])
            key = _image_key(self.source_domain) if isinstance(inputs, dict) else 'img'
            eye = torch.eye(n)
            for k, name in enumerate(self.term_names):
                fake = self.translate(source, eye[k])
                for i, sample in enumerate(samples):
                    sample.set_tensor_data({f'fake_{name}': self.data_preprocessor.destruct(
                        fake[i], sample, key)})
            return list(samples)
        raise ValueError(f'mode must be "tensor" or "predict" (training goes through '
                         f'train_step with an OptimWrapperDict), got {mode!r}')
