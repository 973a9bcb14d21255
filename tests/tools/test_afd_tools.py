"""AFD with the tools: one network exported as a plain mmpretrain checkpoint, and two
processes (torchrun, gloo on CPU) under MMSeparateDistributedDataParallel."""
import os.path as osp
import re
import shutil
import sys

import pytest
import torch

from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier, tiny_cls_batch
from tests.tools._tiny_cls import cls_config, make_fashion_data
from tests.tools._tiny_sr import dist_train_two, run_tool_in_process, write_config


def afd_config(data_root: str, max_iters: int) -> dict:
    nets = [tiny_classifier(2), tiny_classifier(4)]
    for net in nets:
        net.pop('data_preprocessor')  # the runner passes the config's data_preprocessor
    sgd = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
    cfg = cls_config(dict(type='AFD', nets=nets, probe_shape=(1, 28, 28)), data_root,
                     max_iters=max_iters)
    cfg.update(
        optim_wrapper=dict(constructor='RoleOptimWrapperConstructor', net0=sgd, net1=sgd,
                           net0_adv=sgd, net1_adv=sgd, trans0=sgd,
                           disc0=dict(optimizer=dict(type='Adam', lr=1e-3)),
                           disc1=dict(optimizer=dict(type='Adam', lr=1e-3))),
        model_wrapper_cfg=dict(type='MMSeparateDistributedDataParallel'),
        val_evaluator=[dict(type='mmpretrain.Accuracy', topk=(1, )),
                       dict(type='PerNetworkAccuracy')],
        custom_imports=dict(imports=['mmkd_ext.engine.metrics', 'tests.tools._rank_state_hook'],
                            allow_failed_imports=False),
        custom_hooks=[dict(type='RankStateHook')])
    return cfg


@pytest.mark.parametrize('which', [['--prefix', 'net1.'], ['--net', '1']])
def test_extract_one_network_as_a_plain_classifier(tmp_path, which):
    model = MODELS.build(dict(type='AFD', nets=[tiny_classifier(2), tiny_classifier(4)],
                              probe_shape=(1, 16, 16)))
    ckpt, out = str(tmp_path / 'afd.pth'), str(tmp_path / 'net1.pth')
    torch.save({'meta': {'iter': 7}, 'state_dict': model.state_dict(), 'optimizer': {}}, ckpt)
    run_tool_in_process('model_converters/extract_student.py', ckpt, out, *which)
    plain = MODELS.build(tiny_classifier(4))
    plain.load_state_dict(torch.load(out, weights_only=True)['state_dict'], strict=True)
    model.eval()
    plain.eval()
    inputs, _ = tiny_cls_batch(n=2)
    assert torch.equal(plain(inputs, mode='tensor'), model(inputs, mode='tensor')[1])


def test_extract_refuses_a_negative_network(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_tool_in_process('model_converters/extract_student.py', str(tmp_path / 'a.pth'),
                            str(tmp_path / 'b.pth'), '--net', '-1')
    assert '--net: K counts networks from 0, got -1' in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which('torchrun', path=osp.dirname(sys.executable)) is None,
                    reason='torchrun is not installed')
def test_two_processes_with_separate_ddp(tmp_path, monkeypatch):
    data_root = make_fashion_data(str(tmp_path / 'data'), num_train=16)
    config = write_config(str(tmp_path / 'tiny_afd_dist.py'),
                          afd_config(data_root, max_iters=2))
    work_dir = str(tmp_path / 'work')
    log = dist_train_two(config, work_dir, monkeypatch)
    assert re.search(r'Iter\(train\) \[2/2\].*net1\.loss_adv: [\d.]+', log), log
    assert re.search(r'net1/accuracy/top1: [\d.]+', log), log
    # gradients were averaged across the processes: every parameter agrees
    rank0, rank1 = (torch.load(osp.join(work_dir, f'rank{r}_params.pth'), weights_only=True)
                    for r in (0, 1))
    assert {k.split('.')[0] for k in rank0} == {'net0', 'net1', 'trans0', 'disc0', 'disc1'}
    for name, value in rank0.items():
        assert torch.allclose(value, rank1[name], atol=1e-6), name
