import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import AmpOptimWrapper, OptimWrapper, OptimWrapperDict

from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_cls_batch, tiny_classifier


def afd(widths=(2, 4), **kwargs):
    cfg = dict(type='AFD', nets=[tiny_classifier(w) for w in widths], probe_shape=(1, 16, 16))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def optimizers(model, lr=0.1, disc_lr=0.01):
    return OptimWrapperDict(**{
        name: OptimWrapper(torch.optim.SGD(getattr(model, name).parameters(),
                                           lr=disc_lr if name.startswith('disc') else lr))
        for name in model.optim_keys()})


def batch():
    inputs, samples = tiny_cls_batch(n=4)
    return dict(inputs=list(255 * inputs), data_samples=samples)


def test_modules_transfer_layers_and_discriminators():
    model = afd(widths=(2, 4, 4))
    assert model.optim_keys() == ['net0', 'net1', 'net2', 'trans0', 'disc0', 'disc1', 'disc2']
    conv = model.trans0.conv
    assert (conv.in_channels, conv.out_channels) == (8, 16)
    assert model.disc0.in_channels == 16
    assert afd(widths=(2, 4), transfer_channels=12).optim_keys() == [
        'net0', 'net1', 'trans0', 'trans1', 'disc0', 'disc1']
    assert afd(feature_mode='l1').optim_keys() == ['net0', 'net1', 'trans0']
    assert afd(feature_mode='none').optim_keys() == ['net0', 'net1']


@pytest.mark.parametrize('mode, keys', [
    ('adversarial', {'net0.loss_cls', 'net0.loss_dml', 'net0.loss_adv', 'disc0.loss_d'}),
    ('l1', {'net0.loss_cls', 'net0.loss_dml', 'net0.loss_l1'}),
    ('none', {'net0.loss_cls', 'net0.loss_dml'}),
])
def test_train_step_logs_and_updates_every_module(mode, keys):
    torch.manual_seed(0)
    model = afd(feature_mode=mode)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    log = model.train_step(batch(), optimizers(model))
    assert set(log) == keys | {k.replace('0', '1', 1) for k in keys}
    assert all(v > 0 for v in log.values())
    for name in model.optim_keys():
        module = getattr(model, name)
        changed = [n for n, p in module.named_parameters()
                   if not torch.equal(p, before[f'{name}.{n}'])]
        assert len(changed) == len(list(module.parameters())), (name, changed)


def test_update_order_follows_the_paper():
    model = afd()
    wrappers = optimizers(model)
    order = []
    for name, wrapper in wrappers.items():
        wrapper.step = (lambda step, name: lambda **kw: (order.append(name), step(**kw)))(
            wrapper.step, name)
    model.train_step(batch(), wrappers)
    assert order == ['net0', 'net1', 'disc0', 'disc1', 'net0', 'trans0', 'net1']


def test_cyclic_discriminators_take_the_previous_network_as_real():
    model = afd(widths=(4, 4, 4))
    maps, disc_inputs = {}, {}
    for k in range(3):
        model.get_submodule(f'net{k}.backbone.layer3').register_forward_hook(
            lambda m, a, out, k=k: maps.__setitem__(k, out.detach().clone()))
        getattr(model, f'disc{k}').register_forward_pre_hook(
            lambda m, a, k=k: None if k in disc_inputs else disc_inputs.__setitem__(
                k, a[0].detach().clone()))
    model.train_step(batch(), optimizers(model))
    for k in range(3):  # the first call is the D step: real (k - 1 mod 3) then fake (k)
        real, fake = disc_inputs[k].chunk(2)
        assert torch.allclose(real, maps[(k - 1) % 3]) and torch.allclose(fake, maps[k])


def test_discriminators_get_no_gradient_from_the_networks_step():
    model = afd()
    wrappers = optimizers(model)
    disc_before = {}
    wrappers['disc1'].update_params = (lambda update: lambda loss, **kw: (
        update(loss, **kw), disc_before.update(
            {k: v.clone() for k, v in model.disc0.state_dict().items()})))(
                wrappers['disc1'].update_params)
    model.train_step(batch(), wrappers)
    params = dict(model.disc0.named_parameters())
    assert all(torch.equal(params[n], disc_before[n]) for n in params)
    assert all(p.requires_grad and p.grad is None for p in model.disc0.parameters())


def test_dml_weight_zero_is_independent_training():
    model = afd(feature_mode='none', dml_weight=0.0)
    log = model.train_step(batch(), optimizers(model))
    assert log['net0.loss_dml'] == 0 and log['net1.loss_dml'] == 0


def test_predict_returns_every_network():
    model = afd(widths=(2, 4, 4), eval_net=2)
    model.eval()
    inputs, samples = tiny_cls_batch(n=3)
    preds = model(inputs, samples, mode='predict')
    logits = model(inputs, mode='tensor')
    assert len(preds) == 3 and preds[0].net_pred_scores.shape == (3, 10)
    for i, sample in enumerate(preds):
        for k in range(3):
            assert torch.allclose(sample.net_pred_scores[k], F.softmax(logits[k][i], 0))
        assert torch.equal(sample.pred_score, sample.net_pred_scores[2])
        assert sample.pred_label.item() == logits[2][i].argmax().item()


@pytest.mark.parametrize('kwargs, match', [
    (dict(widths=(4, )), 'K >= 2'),
    (dict(taps=['backbone.layer3', None]), r"\['net1'\] have no tapped feature"),
    (dict(taps='backbone.layer9'), r"nearest existing paths: \['backbone.layer"),
    (dict(taps=['backbone.layer3', 'backbone.layer2']), 'spatial size'),
    (dict(transfer=dict(type='TransferLayer', out_channels=12)),
     r'maps 8 -> 12 channels but must map 8 -> 16'),
    (dict(feature_mode='gan'), r"\('adversarial', 'l1', 'none'\)"),
    (dict(eval_net=2), r'eval_net must be in 0\.\.1'),
    (dict(temperature=0), '> 0'),
])
def test_bad_configs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        afd(**kwargs)


def test_no_tap_is_fine_without_features():
    assert afd(feature_mode='none', taps=None).optim_keys() == ['net0', 'net1']


def test_optimizer_keys_must_match_the_modules():
    model = afd()
    wrappers = optimizers(model)
    wrong = OptimWrapperDict(**{k: v for k, v in wrappers.items() if k != 'trans0'},
                             discriminators=wrappers['disc0'])
    with pytest.raises(ValueError, match=r"keys \['disc0', 'disc1', 'discriminators', 'net0', "
                       r"'net1'\] do not match the modules with parameters \['disc0', 'disc1', "
                       r"'net0', 'net1', 'trans0'\]"):
        model.train_step(batch(), wrong)
    with pytest.raises(ValueError, match='OptimWrapperDict'):
        model.train_step(batch(), wrappers['net0'])


def test_discriminator_learning_rate_zero_with_adversarial_mode():
    model = afd()
    with pytest.raises(ValueError, match='disc0 has learning rate 0'):
        model.train_step(batch(), optimizers(model, disc_lr=0.0))


def test_mixed_precision_with_transfer_layers_is_refused():
    model = afd()
    wrappers = optimizers(model)
    # AmpOptimWrapper refuses to be built on a CPU-only host; the check needs its type only
    wrappers.optim_wrappers['trans0'] = AmpOptimWrapper.__new__(AmpOptimWrapper)
    with pytest.raises(ValueError, match=r"\['trans0'\] use AmpOptimWrapper"):
        model.train_step(batch(), wrappers)


def test_loss_mode_points_to_train_step():
    with pytest.raises(ValueError, match='train_step'):
        afd()(torch.zeros(1, 1, 16, 16), mode='loss')
