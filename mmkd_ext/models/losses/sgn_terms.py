"""SGN's loss terms (arXiv 1811.12362), one class per kind. Each entry of the sym-parameter
``s`` has one term; a term gives its losses per sample, and SGN weights them by the entry."""
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

import torch
from torch import nn

from mmkd_ext.registry import MODELS

from .lsgan_loss import lsgan_d_loss, lsgan_g_loss

__all__ = [
    'l1_per_sample', 'TermInputs', 'SGNTerm', 'ReconstructionTerm', 'AdversarialTerm',
    'StyleTerm', 'TERM_TYPES', 'parse_terms'
]


def l1_per_sample(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``mean |output - target|`` per sample: (N, ...) x2 -> (N, )."""
    return (output - target).abs().flatten(1).mean(1)


class TermInputs(NamedTuple):
    """What SGN's terms read in one generator step.

    Attributes:
        source (Tensor): (N, 3, H, W) source images in [-1, 1].
        fake (Tensor): ``G(source, s)``, (N, 3, H, W).
        images (Mapping[str, Tensor]): Domain -> (N, 3, H, W) real images of the batch.
        identities (Mapping[str, Tensor]): Domain -> ``G(images[domain], s)`` for the
            adversarial terms with an identity loss.
        discriminators (Mapping[str, nn.Module]): Domain -> its discriminator.
    """
    source: torch.Tensor
    fake: torch.Tensor
    images: Mapping[str, torch.Tensor]
    identities: Mapping[str, torch.Tensor]
    discriminators: Mapping[str, nn.Module]


def _check_weight(owner: str, key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f'{owner}: {key} must be a number >= 0, got {value!r}')
    return float(value)


class SGNTerm:
    """One entry of ``s``: its name, the domains it needs, its per-sample losses.

    Subclasses set ``kind`` (the config's ``kind=``), ``options`` (the other keys a config
    may give), ``required`` (those it must give, with the error to raise) and implement
    :meth:`generator_losses`.

    Args:
        name (str): The entry's name (a mix names it, e.g. ``vangogh=0.3``).
    """
    kind = ''
    options: tuple = ()
    required: Dict[str, str] = {}
    #: the domain whose discriminator this term trains against, if any
    adversarial_domain: Optional[str] = None
    #: the domain whose images go through the generator with the same ``s``, if any
    identity_domain: Optional[str] = None

    def __init__(self, name: str):
        if not isinstance(name, str) or not name:
            raise ValueError(f'{self.kind} term: `name` must be a non-empty string, got '
                             f'{name!r}')
        self.name = name

    @classmethod
    def from_config(cls, cfg: dict, source_domain: str) -> 'SGNTerm':
        """The term from a config's keys (``kind`` removed)."""
        return cls(**cfg)

    def build_loss(self) -> Optional[nn.Module]:
        """The loss module SGN holds for this term (moved and saved with it), if any."""
        return None

    def generator_losses(self, inputs: TermInputs) -> Dict[str, torch.Tensor]:
        """Named (N, ) losses of the generator, before the ``s`` weighting."""
        raise NotImplementedError

    def __repr__(self) -> str:
        opts = ', '.join(f'{k}={getattr(self, k)!r}' for k in self.options)
        return f'{type(self).__name__}({opts})'


class ReconstructionTerm(SGNTerm):
    """``loss_weight * |G(x, s) - x|`` on the source: the source domain's entry.

    Args:
        name (str): Usually the source domain's name.
        loss_weight (float): Defaults to 2.0 (the paper's).
    """
    kind = 'reconstruction'
    options = ('name', 'loss_weight')

    def __init__(self, name: str, loss_weight: float = 2.0):
        super().__init__(name)
        self.loss_weight = _check_weight('reconstruction term', 'loss_weight', loss_weight)

    @classmethod
    def from_config(cls, cfg: dict, source_domain: str) -> 'ReconstructionTerm':
        return cls(**{'name': source_domain, **cfg})

    def generator_losses(self, inputs: TermInputs) -> Dict[str, torch.Tensor]:
        return {f'loss_rec_{self.name}':
                self.loss_weight * l1_per_sample(inputs.fake, inputs.source)}


class AdversarialTerm(SGNTerm):
    """LSGAN towards ``domain`` (``loss_weight * mean (1 - D(G(x, s)))^2``) plus identity
    ``identity_weight * |G(x_domain, s) - x_domain|``.

    Args:
        domain (str): The target domain (its images come as ``img_{domain}``).
        name (str, optional): Defaults to ``domain``.
        loss_weight (float): Defaults to 1.0.
        identity_weight (float): Defaults to 5.0 (the paper's); 0 skips the identity pass.
    """
    kind = 'adversarial'
    options = ('domain', 'name', 'loss_weight', 'identity_weight')
    required = {'domain': 'an adversarial term needs its `domain`'}

    def __init__(self, domain: str, name: Optional[str] = None, loss_weight: float = 1.0,
                 identity_weight: float = 5.0):
        if not isinstance(domain, str) or not domain:
            raise ValueError(f'an adversarial term needs its `domain` (a non-empty string), '
                             f'got {domain!r}')
        super().__init__(domain if name is None else name)
        self.domain = self.adversarial_domain = domain
        self.loss_weight = _check_weight('adversarial term', 'loss_weight', loss_weight)
        self.identity_weight = _check_weight('adversarial term', 'identity_weight',
                                             identity_weight)
        self.identity_domain = domain if self.identity_weight > 0 else None

    def generator_losses(self, inputs: TermInputs) -> Dict[str, torch.Tensor]:
        score = inputs.discriminators[self.domain](inputs.fake)
        losses = {f'loss_adv_{self.name}': self.loss_weight * lsgan_g_loss(score, 'none')}
        if self.identity_domain is not None:
            losses[f'loss_id_{self.name}'] = self.identity_weight * l1_per_sample(
                inputs.identities[self.domain], inputs.images[self.domain])
        return losses

    def discriminator_loss(self, real_score: torch.Tensor,
                           fake_score: torch.Tensor) -> torch.Tensor:
        """``(mean (1 - D(real))^2 + mean D(fake)^2) / 2`` per sample pair, (N, )."""
        return 0.5 * lsgan_d_loss(real_score, fake_score, 'none')


class StyleTerm(SGNTerm):
    """A perceptual style loss (:class:`PerceptualStyleLoss`): its weighted per-sample
    ``content`` and ``style`` outputs, logged as ``loss_content_{name}`` and
    ``loss_style_{name}``.

    Args:
        name (str): The entry's name.
        loss (dict | nn.Module): The loss, or its config (built by :meth:`build_loss`).
    """
    kind = 'style'
    options = ('name', 'loss')
    required = {'loss': "a style term needs `loss`, e.g. dict(type='PerceptualStyleLoss', "
                        'style_image=...)'}

    def __init__(self, name: str, loss: Union[dict, nn.Module]):
        super().__init__(name)
        if not isinstance(loss, (dict, nn.Module)):
            raise ValueError("a style term needs `loss`, e.g. dict(type='PerceptualStyleLoss', "
                             f'style_image=...), got {loss!r}')
        self.loss = loss
        self.module: Optional[nn.Module] = loss if isinstance(loss, nn.Module) else None

    def build_loss(self) -> nn.Module:
        if self.module is None:
            self.module = MODELS.build(self.loss)
        return self.module

    def generator_losses(self, inputs: TermInputs) -> Dict[str, torch.Tensor]:
        out = self.build_loss()(inputs.fake, inputs.source)
        return {f'loss_content_{self.name}': out['content'],
                f'loss_style_{self.name}': out['style']}


#: config ``kind`` -> term class
TERM_TYPES = {cls.kind: cls for cls in (ReconstructionTerm, AdversarialTerm, StyleTerm)}


def _build_term(index: int, term: Mapping, source_domain: str) -> SGNTerm:
    if not isinstance(term, Mapping):
        raise TypeError(f'terms[{index}] must be a term dict (kind=...) or an SGNTerm, got '
                        f'{type(term).__name__}')
    term = dict(term)
    kind = term.pop('kind', None)
    if kind not in TERM_TYPES:
        raise ValueError(f'terms[{index}]: kind must be one of {list(TERM_TYPES)}, got '
                         f'{kind!r}')
    cls = TERM_TYPES[kind]
    unknown = sorted(set(term) - set(cls.options))
    if unknown:
        raise ValueError(f'terms[{index}] ({kind}): unknown keys {unknown}; allowed '
                         f'{sorted(cls.options)}')
    missing = [message for key, message in cls.required.items()
               if term.get(key) in (None, '')]
    if missing:
        raise ValueError(f'terms[{index}]: {missing[0]}')
    try:
        return cls.from_config(term, source_domain)
    except ValueError as error:
        raise ValueError(f'terms[{index}]: {error}') from None


def parse_terms(terms: Sequence[Union[dict, SGNTerm]], source_domain: str) -> List[SGNTerm]:
    """SGN's terms, in the order of ``s``, from configs or term objects.

    A config is a dict with ``kind`` (``'reconstruction'``, ``'adversarial'`` or
    ``'style'``) and the keyword arguments of that kind's class (:data:`TERM_TYPES`); a
    reconstruction term is named after ``source_domain`` unless named.

    Raises:
        ValueError: An unknown kind or key, a missing ``domain`` or ``loss``, repeated
            names, or adversarial domains that repeat or equal the source domain.
    """
    if isinstance(terms, (dict, SGNTerm)) or not terms:
        raise ValueError(f'terms must be a non-empty list of term dicts, got {terms!r}')
    parsed = [t if isinstance(t, SGNTerm) else _build_term(i, t, source_domain)
              for i, t in enumerate(terms)]
    names = [t.name for t in parsed]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f'term names must be distinct (they name the entries of s); '
                         f'{dupes} repeat in {names}')
    domains = [t.adversarial_domain for t in parsed if t.adversarial_domain]
    if source_domain in domains or len(set(domains)) != len(domains):
        raise ValueError(f'adversarial domains {domains} must be distinct and differ from '
                         f'the source domain {source_domain!r}')
    return parsed
