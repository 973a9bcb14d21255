"""SGN's typed loss terms: hand-computed per-sample values, config parsing and its errors."""
import numpy as np
import pytest
import torch
from torch import nn

from mmkd_ext.models.losses import PerceptualStyleLoss
from mmkd_ext.models.losses.lsgan_loss import lsgan_d_loss, lsgan_g_loss
from mmkd_ext.models.losses.sgn_terms import (
    AdversarialTerm,
    ReconstructionTerm,
    StyleTerm,
    TermInputs,
    l1_per_sample,
    parse_terms,
)


class FixedScores(nn.Module):
    """A stand-in discriminator: the given (N, 1, 1, 2) score map, whatever the input."""

    def __init__(self, scores):
        super().__init__()
        self.scores = torch.tensor(scores).view(-1, 1, 1, 2)

    def forward(self, x):
        return self.scores


def term_inputs(**kwargs) -> TermInputs:
    # two samples of 1 x 1 x 2 "images"
    fields = dict(source=torch.tensor([[0., 0.], [1., 1.]]).view(2, 1, 1, 2),
                  fake=torch.tensor([[.5, -.5], [1., 3.]]).view(2, 1, 1, 2),
                  images={}, identities={}, discriminators={})
    return TermInputs(**{**fields, **kwargs})


def test_l1_per_sample_golden():
    out = l1_per_sample(term_inputs().fake, term_inputs().source)
    assert out.tolist() == [0.5, 1.0]  # |.5| + |-.5| over 2; (0 + 2) / 2


def test_reconstruction_term_golden():
    term = ReconstructionTerm('photo')  # the paper's weight 2
    losses = term.generator_losses(term_inputs())
    assert list(losses) == ['loss_rec_photo']
    assert losses['loss_rec_photo'].tolist() == [1.0, 2.0]
    source = term_inputs().source
    same = term_inputs(source=source, fake=source.clone())
    assert term.generator_losses(same)['loss_rec_photo'].tolist() == [0.0, 0.0]


def test_lsgan_per_sample_golden():
    real = torch.tensor([[1., 1.], [.5, 0.]]).view(2, 1, 1, 2)
    fake = torch.tensor([[0., 0.], [1., -1.]]).view(2, 1, 1, 2)
    assert lsgan_g_loss(fake, 'none').tolist() == [1.0, 2.0]  # (1 - f)^2: [1, 1], [0, 4]
    # (1 - r)^2: [0, 0], [.25, 1] -> 0, .625; f^2: [0, 0], [1, 1] -> 0, 1
    assert lsgan_d_loss(real, fake, 'none').tolist() == [0.0, 1.625]
    # the means of the per-sample form are the batch forms
    assert torch.allclose(lsgan_d_loss(real, fake, 'none').mean(), lsgan_d_loss(real, fake))


def test_lsgan_per_sample_equals_mmagic_ganloss_per_sample():
    """The form it replaces: mmagic's LSGAN ``GANLoss`` called on one sample at a time."""
    from mmagic.models.losses import GANLoss
    gan = GANLoss('lsgan')
    torch.manual_seed(0)
    real, fake = torch.randn(3, 1, 4, 4), torch.randn(3, 1, 4, 4)
    old_g = torch.stack([gan(p[None], True, is_disc=False) for p in fake])
    old_d = torch.stack([gan(r[None], True, is_disc=True) + gan(f[None], False, is_disc=True)
                         for r, f in zip(real, fake)])
    assert torch.allclose(lsgan_g_loss(fake, 'none'), old_g)
    assert torch.allclose(lsgan_d_loss(real, fake, 'none'), old_d)


def test_adversarial_term_golden():
    term = AdversarialTerm('vangogh', loss_weight=2.0)  # identity weight 5
    assert (term.name, term.adversarial_domain, term.identity_domain) == ('vangogh',) * 3
    inputs = term_inputs(
        discriminators={'vangogh': FixedScores([[1., 1.], [0., -1.]])},
        identities={'vangogh': torch.tensor([[.2, .2], [1., 1.]]).view(2, 1, 1, 2)},
        images={'vangogh': torch.tensor([[0., 0.], [1., 0.]]).view(2, 1, 1, 2)})
    losses = term.generator_losses(inputs)
    assert list(losses) == ['loss_adv_vangogh', 'loss_id_vangogh']
    # 2 x mean (1 - D)^2: 2 x [0, (1 + 4) / 2]; 5 x mean |id - real|: 5 x [.2, .5]
    assert losses['loss_adv_vangogh'].tolist() == [0.0, 5.0]
    assert torch.allclose(losses['loss_id_vangogh'], torch.tensor([1.0, 2.5]))
    real = torch.tensor([[1., 1.], [.5, 0.]]).view(2, 1, 1, 2)
    fake = torch.tensor([[0., 0.], [1., -1.]]).view(2, 1, 1, 2)
    assert term.discriminator_loss(real, fake).tolist() == [0.0, 0.8125]  # 1.625 / 2


def test_adversarial_term_without_identity():
    term = AdversarialTerm('ukiyoe', name='prints', identity_weight=0)
    assert term.identity_domain is None and term.name == 'prints'
    inputs = term_inputs(discriminators={'ukiyoe': FixedScores([[1., 1.], [1., 1.]])})
    assert {k: v.tolist() for k, v in term.generator_losses(inputs).items()} == {
        'loss_adv_prints': [0.0, 0.0]}


class FixedStyle(nn.Module):

    def forward(self, fake, source):
        return {'content': (fake - source).flatten(1).sum(1), 'style': fake.flatten(1).sum(1)}


def test_style_term_golden_and_its_loss_built_once():
    module = FixedStyle()
    term = StyleTerm('starry', module)
    assert term.build_loss() is module
    losses = term.generator_losses(term_inputs())
    assert {k: v.tolist() for k, v in losses.items()} == {
        'loss_content_starry': [0.0, 2.0], 'loss_style_starry': [0.0, 4.0]}
    from_cfg = StyleTerm('starry', dict(type='PerceptualStyleLoss',
                                        style_image=np.zeros((16, 16, 3), np.uint8)))
    assert from_cfg.module is None  # nothing built (no VGG) until SGN asks
    built = from_cfg.build_loss()
    assert isinstance(built, PerceptualStyleLoss) and from_cfg.build_loss() is built


def test_parse_terms_fills_defaults_in_the_order_of_s():
    terms = parse_terms([dict(kind='reconstruction'),
                         dict(kind='adversarial', domain='vangogh'),
                         dict(kind='adversarial', domain='ukiyoe', name='prints',
                              identity_weight=0, loss_weight=2),
                         StyleTerm('starry', FixedStyle())], 'photo')
    assert [type(t).__name__ for t in terms] == ['ReconstructionTerm', 'AdversarialTerm',
                                                 'AdversarialTerm', 'StyleTerm']
    assert [t.name for t in terms] == ['photo', 'vangogh', 'prints', 'starry']
    assert (terms[0].loss_weight, terms[1].loss_weight, terms[1].identity_weight) == (2, 1, 5)
    assert repr(terms[2]) == ("AdversarialTerm(domain='ukiyoe', name='prints', "
                              'loss_weight=2.0, identity_weight=0.0)')


@pytest.mark.parametrize('terms, error, match', [
    ([], ValueError, 'non-empty list'),
    (dict(kind='reconstruction'), ValueError, 'non-empty list'),
    (['reconstruction'], TypeError, 'terms\\[0\\] must be a term dict'),
    ([dict(kind='adv')], ValueError,
     "kind must be one of \\['reconstruction', 'adversarial', 'style'\\], got 'adv'"),
    ([dict(kind='adversarial', domain='vangogh', weight=1)], ValueError,
     "unknown keys \\['weight'\\]; allowed \\['domain', 'identity_weight', 'loss_weight'"),
    ([dict(kind='adversarial')], ValueError, 'terms\\[0\\]: an adversarial term needs its'),
    ([dict(kind='style', name='x')], ValueError, 'terms\\[0\\]: a style term needs `loss`'),
    ([dict(kind='style', name='x', loss='vgg')], ValueError, "style term needs `loss`.*'vgg'"),
    ([dict(kind='reconstruction', name='')], ValueError, '`name` must be a non-empty string'),
    ([dict(kind='reconstruction', loss_weight='2')], ValueError,
     "loss_weight must be a number >= 0, got '2'"),
    ([dict(kind='reconstruction'), dict(kind='adversarial', domain='x', name='photo')],
     ValueError, "\\['photo'\\] repeat"),
    ([dict(kind='adversarial', domain='photo')], ValueError, 'differ from the source domain'),
    ([dict(kind='adversarial', domain='x'), dict(kind='adversarial', domain='x', name='y')],
     ValueError, "\\['x', 'x'\\] must be distinct"),
])
def test_parse_terms_errors(terms, error, match):
    with pytest.raises(error, match=match):
        parse_terms(terms, 'photo')
