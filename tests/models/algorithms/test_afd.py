import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import AmpOptimWrapper, OptimWrapper, OptimWrapperDict

from mmkd_ext.models.losses import dml_loss, lsgan_g_loss
from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier, tiny_cls_batch


def afd(widths=(2, 4), **kwargs):
    cfg = dict(type='AFD', nets=[tiny_classifier(w) for w in widths], probe_shape=(1, 16, 16))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def optimizers(model, lr=0.1, disc_lr=0.01, adv_lr=0.05, momentum=0.0, **skip):
    """SGD per key of ``model.optim_modules()``; ``skip`` drops keys."""
    def lr_of(key):
        return disc_lr if key.startswith('disc') else adv_lr if key.endswith('_adv') else lr

    return OptimWrapperDict(**{
        key: OptimWrapper(torch.optim.SGD(getattr(model, module).parameters(), lr=lr_of(key),
                                          momentum=momentum))
        for key, module in model.optim_modules().items() if key not in skip})


def batch():
    inputs, samples = tiny_cls_batch(n=4)
    return dict(inputs=list(255 * inputs), data_samples=samples)


def test_modules_transfer_layers_discriminators_and_optimizer_roles():
    model = afd(widths=(2, 4, 4))
    assert model.optim_keys() == ['net0', 'net1', 'net2', 'trans0', 'disc0', 'disc1', 'disc2',
                                  'net0_adv', 'net1_adv', 'net2_adv']
    assert model.optim_modules()['net1_adv'] == 'net1'
    conv = model.trans0.conv
    assert (conv.in_channels, conv.out_channels) == (8, 16)
    assert model.disc0.in_channels == 16
    assert afd(widths=(2, 4), transfer_channels=12).optim_keys()[:6] == [
        'net0', 'net1', 'trans0', 'trans1', 'disc0', 'disc1']
    assert afd(feature_mode='l1').optim_keys() == ['net0', 'net1', 'trans0', 'net0_adv',
                                                   'net1_adv']
    assert afd(feature_mode='none').optim_keys() == ['net0', 'net1']
    assert afd(fused=True).optim_keys() == ['net0', 'net1', 'trans0', 'disc0', 'disc1']


_ADV = {'net0.loss_cls', 'net0.loss_dml', 'net0.loss_adv', 'disc0.loss_d'}
_L1 = {'net0.loss_cls', 'net0.loss_dml', 'net0.loss_l1'}


# fused needs a feature term, so it has no 'none' case (test_bad_configs)
@pytest.mark.parametrize('mode, keys, fused', [
    ('adversarial', _ADV, False), ('adversarial', _ADV, True),
    ('l1', _L1, False), ('l1', _L1, True),
    ('none', {'net0.loss_cls', 'net0.loss_dml'}, False),
])
def test_train_step_logs_and_updates_every_module(mode, keys, fused):
    torch.manual_seed(0)
    model = afd(feature_mode=mode, fused=fused)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    log = model.train_step(batch(), optimizers(model))
    assert set(log) == keys | {k.replace('0', '1', 1) for k in keys}
    assert all(v > 0 for v in log.values())
    for name in set(model.optim_modules().values()):
        module = getattr(model, name)
        changed = [n for n, p in module.named_parameters()
                   if not torch.equal(p, before[f'{name}.{n}'])]
        assert len(changed) == len(list(module.parameters())), (name, changed)


@pytest.mark.parametrize('fused, expected', [
    (False, ['net0', 'net1', 'disc0', 'disc1', 'net0_adv', 'trans0', 'net1_adv']),
    (True, ['disc0', 'disc1', 'net0', 'trans0', 'net1']),
])
def test_update_order_follows_the_paper(fused, expected):
    model = afd(fused=fused)
    wrappers = optimizers(model)
    order = []
    for name, wrapper in wrappers.items():
        wrapper.step = (lambda step, name: lambda **kw: (order.append(name), step(**kw)))(
            wrapper.step, name)
    model.train_step(batch(), wrappers)
    assert order == expected


@pytest.mark.parametrize('fused, forwards', [(False, 2), (True, 1)])
def test_fused_runs_one_forward_per_network(fused, forwards):
    model = afd(fused=fused)
    calls = []
    model.net0.backbone.register_forward_hook(lambda *a: calls.append(1))
    model.train_step(batch(), optimizers(model))
    assert len(calls) == forwards


def _judgements(model, k=0):
    """Record every (input, output) of disc{k}."""
    calls = []
    getattr(model, f'disc{k}').register_forward_hook(
        lambda m, a, out: calls.append((a[0].detach().clone(), out.detach().clone())))
    return calls


def _scores_of(batch, calls):
    """The rows of the first judgement whose input rows are ``batch``."""
    for inputs, outputs in calls:
        for start in range(0, len(inputs) - len(batch) + 1, len(batch)):
            if torch.equal(inputs[start:start + len(batch)], batch):
                return outputs[start:start + len(batch)]
    raise AssertionError('batch never judged')


def test_cyclic_discriminators_take_the_previous_network_as_real():
    model = afd(widths=(4, 4, 4))
    maps = {}
    calls = [_judgements(model, k) for k in range(3)]
    for k in range(3):
        model.get_submodule(f'net{k}.backbone.layer3').register_forward_hook(
            lambda m, a, out, k=k: maps.__setitem__(k, out.detach().clone()))
    model.train_step(batch(), optimizers(model))
    for k in range(3):  # the D step judges real (k - 1 mod 3), then fake (k), separately
        (real, _), (fake, _) = calls[k][:2]
        assert torch.equal(real, maps[(k - 1) % 3]) and torch.equal(fake, maps[k])


@pytest.mark.parametrize('fused', [False, True])
def test_discriminator_judges_a_fake_batch_the_same_way_in_both_steps(fused):
    """The scores D gives network 0's maps when it learns (D step) are the scores it gives
    them when the network learns from it (D's parameters held fixed for the comparison)."""
    model = afd(widths=(4, 4), fused=fused)
    wrappers = optimizers(model)
    for k in range(2):
        wrappers[f'disc{k}'].step = lambda **kw: None
    calls = _judgements(model, 0)
    steps = []
    wrappers['disc1'].update_params = (lambda update: lambda loss, **kw: (
        update(loss, **kw), steps.append(len(calls))))(wrappers['disc1'].update_params)
    model.train_step(batch(), wrappers)
    d_step, net_step = calls[:steps[0]], calls[steps[0]:]
    assert len(net_step) == 1
    fake, scores = net_step[0]
    assert torch.allclose(_scores_of(fake, d_step), scores, atol=1e-6)


@pytest.mark.parametrize('fused', [False, True])
def test_networks_step_leaves_discriminators_alone(fused):
    model = afd(fused=fused)
    wrappers = optimizers(model)
    after_d_step = {}
    wrappers['disc1'].update_params = (lambda update: lambda loss, **kw: (
        update(loss, **kw), after_d_step.update(
            {k: v.clone() for k, v in model.disc0.state_dict().items()})))(
                wrappers['disc1'].update_params)
    model.train_step(batch(), wrappers)
    state = model.disc0.state_dict()
    assert any('running_mean' in k for k in state)
    for key, value in state.items():  # parameters and BatchNorm running statistics
        assert torch.equal(value, after_d_step[key]), key
    assert all(p.requires_grad and p.grad is None for p in model.disc0.parameters())
    assert all(m.track_running_stats for m in model.disc0.modules() if hasattr(
        m, 'track_running_stats'))


def test_adversarial_step_has_its_own_optimizer_state():
    model = afd()
    wrappers = optimizers(model, momentum=0.9)
    task = wrappers['net0'].optimizer
    after_task_step = []
    wrappers['net0'].step = (lambda step: lambda **kw: (step(**kw), after_task_step.append(
        copy.deepcopy(task.state_dict()))))(wrappers['net0'].step)
    model.train_step(batch(), wrappers)
    assert len(after_task_step) == 1  # one step of the task optimizer per iteration
    buffers = [s['momentum_buffer'] for s in task.state_dict()['state'].values()]
    before = [s['momentum_buffer'] for s in after_task_step[0]['state'].values()]
    assert all(torch.equal(a, b) for a, b in zip(buffers, before))
    adv_state = wrappers['net0_adv'].optimizer.state_dict()['state']
    # its own momentum for every parameter the feature term reaches (not the head's)
    assert len(adv_state) == len([n for n, _ in model.net0.named_parameters()
                                  if not n.startswith('head.')])


def test_fused_step_is_one_sgd_step_on_the_sum_of_the_terms():
    torch.manual_seed(0)
    model = afd(widths=(4, 4), fused=True, adv_weight=0.5)
    reference = copy.deepcopy(model)
    wrappers = optimizers(model, lr=0.1)
    for k in range(2):  # D fixed: the reference computes the terms with the same judge
        wrappers[f'disc{k}'].step = lambda **kw: None
    data = batch()
    model.train_step(copy.deepcopy(data), wrappers)

    prep = reference.data_preprocessor(data, True)
    inputs, samples = prep['inputs'], prep['data_samples']
    maps = {}
    for k in range(2):
        reference.get_submodule(f'net{k}.backbone.layer3').register_forward_hook(
            lambda m, a, out, k=k: maps.__setitem__(k, out))
    logits = [reference.net0(inputs, mode='tensor'), reference.net1(inputs, mode='tensor')]
    reference.disc0(maps[1].detach())  # the D step's passes move BN statistics only
    reference.disc0(maps[0].detach())
    for p in reference.disc0.parameters():
        p.requires_grad_(False)
    loss = (reference.net0.head._get_loss(logits[0], samples)['loss'] +
            dml_loss(logits[0], logits[1], reference.temperature) +
            0.5 * lsgan_g_loss(reference.disc0(maps[0])))
    loss.backward()
    for (name, p), q in zip(reference.net0.named_parameters(), model.net0.parameters()):
        assert torch.allclose(p - 0.1 * p.grad, q, atol=1e-6), name


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
     r'net0: the transfer layer maps 8 -> 12 channels but the taps have 8 \(net0\) -> 16 '
     r'\(common\)'),
    (dict(feature_mode='gan'), r"\('adversarial', 'l1', 'none'\)"),
    (dict(eval_net=2), r'eval_net must be in 0\.\.1'),
    (dict(temperature=0), '> 0'),
    (dict(fused=True, feature_mode='none'), r"fused=True .* feature_mode='none' has no "
     r"feature step; use fused=False, or feature_mode='adversarial' or 'l1'"),
])
def test_bad_configs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        afd(**kwargs)


def test_no_tap_is_fine_without_features():
    assert afd(feature_mode='none', taps=None).optim_keys() == ['net0', 'net1']


def test_optimizer_keys_must_match_the_modules_and_roles():
    model = afd()
    wrappers = optimizers(model)
    wrong = OptimWrapperDict(**{k: v for k, v in wrappers.items() if k != 'trans0'},
                             discriminators=wrappers['disc0'])
    with pytest.raises(ValueError, match=r"do not match the modules with parameters \['disc0', "
                       r"'disc1', 'net0', 'net1', 'trans0'\] and the adversarial roles "
                       r"\['net0_adv', 'net1_adv'\]: missing \['trans0'\], unexpected "
                       r"\['discriminators'\]"):
        model.train_step(batch(), wrong)
    with pytest.raises(ValueError, match='OptimWrapperDict'):
        model.train_step(batch(), wrappers['net0'])


@pytest.mark.parametrize('mode', ['adversarial', 'l1'])
def test_a_config_without_the_adversarial_roles_is_refused_with_an_example(mode):
    model = afd(feature_mode=mode)
    with pytest.raises(ValueError) as error:
        model.train_step(batch(), optimizers(model, net0_adv=1, net1_adv=1))
    message = str(error.value)
    assert "missing ['net0_adv', 'net1_adv']" in message
    assert "constructor='RoleOptimWrapperConstructor'" in message
    assert "net0_adv=dict(optimizer=dict(type='SGD', lr=0.01" in message
    assert 'fused=True' in message


def test_fused_refuses_adversarial_roles_it_cannot_honour():
    model = afd(fused=True)
    wrappers = optimizers(model)
    roles = optimizers(afd())
    wrappers = OptimWrapperDict(**dict(wrappers.items()), net0_adv=roles['net0_adv'])
    with pytest.raises(ValueError, match=r"unexpected \['net0_adv'\]\. fused=True steps every "
                       r"network once.*would never step; remove them"):
        model.train_step(batch(), wrappers)


def test_weight_decay_twice_is_refused():
    model = afd()
    wrappers = optimizers(model)
    for key in ('net0', 'net0_adv'):
        wrappers[key].optimizer.param_groups[0]['weight_decay'] = 5e-4
    with pytest.raises(ValueError, match=r'net0 and net0_adv both apply weight decay.*'
                       r'weight_decay=0 in net0_adv'):
        model.train_step(batch(), wrappers)


@pytest.mark.parametrize('key', ['disc0', 'net1_adv'])
def test_learning_rate_zero_is_refused(key):
    model = afd()
    wrappers = optimizers(model)
    wrappers[key].optimizer.param_groups[0]['lr'] = 0.0
    with pytest.raises(ValueError, match=f'{key} has learning rate 0'):
        model.train_step(batch(), wrappers)


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
