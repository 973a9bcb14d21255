"""tools/feed_sequential.py: a chain of tiny FEED generations, extended and re-run."""
import json

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from mmkd_ext.registry import MODELS
from tests.models._classifiers import tiny_classifier
from tests.tools._tiny_cls import cls_config, feed_model, make_fashion_data
from tests.tools._tiny_sr import run_tool_in_process, write_config


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('feed_seq')
    data = make_fashion_data(str(tmp / 'fashion'))
    torch.manual_seed(0)
    first = str(tmp / 'gen0.pth')
    torch.save({'state_dict': MODELS.build(tiny_classifier(2)).state_dict()}, first)
    model = feed_model(dict(t=first), widths=dict(t=2))
    model.update(kd_weight=0.0)
    return tmp, write_config(str(tmp / 'seq.py'), cls_config(model, data))


def test_chain_is_extended_generation_after_generation(setup, capsys):
    tmp, config = setup
    work = str(tmp / 'chain')
    run_tool_in_process('feed_sequential.py', config, '--generations', '1', '--work-dir', work)
    run_tool_in_process('feed_sequential.py', config, '--generations', '2', '--work-dir', work)
    out = capsys.readouterr().out
    assert 'generation 1: done' in out
    chain = json.load(open(tmp / 'chain' / 'chain.json'))
    assert [row['generation'] for row in chain] == [1, 2]
    assert chain[0]['teacher'] == str(tmp / 'gen0.pth')
    assert chain[1]['teacher'] == chain[0]['checkpoint']
    assert all('/best_accuracy_top1_iter_2.pth' in row['checkpoint'] for row in chain)
    assert all('accuracy/top1' in row['metrics'] and row['best_score'] is not None
               for row in chain)
    # generation 2's teacher holds generation 1's student
    gen1 = _load_checkpoint(chain[0]['checkpoint'], map_location='cpu')['state_dict']
    gen2 = _load_checkpoint(chain[1]['checkpoint'], map_location='cpu')['state_dict']
    for key in ('backbone.conv1.weight', 'head.fc.weight'):
        assert torch.equal(gen2[f'teachers.t.{key}'], gen1[f'student.{key}'])
    table = out[out.rindex('| generation |'):].splitlines()
    assert len(table) == 4 and table[3].startswith('| 2 |')


def test_config_with_two_teachers_is_refused(tmp_path, setup):
    _, config = setup
    two = write_config(str(tmp_path / 'two.py'),
                       cls_config(feed_model(None), str(tmp_path)))
    with pytest.raises(SystemExit, match='exactly one teacher'):
        run_tool_in_process('feed_sequential.py', two, '--generations', '1',
                            '--work-dir', str(tmp_path / 'w'))
