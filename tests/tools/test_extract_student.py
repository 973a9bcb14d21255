"""tools/model_converters/extract_student.py, then upstream-style testing of the result."""
import json

import pytest
import torch
from mmagic.structures import DataSample
from mmengine.logging import MessageHub
from mmengine.runner import load_checkpoint

from mmkd_ext.registry import MODELS
from tests.tools._tiny_sr import (
    distill_model,
    make_sr_data,
    run_tool_in_process,
    sr_config,
    student_cfg,
    write_config,
)

EXTRACT = 'model_converters/extract_student.py'


@pytest.fixture(scope='module')
def algorithm_ckpt(tmp_path_factory):
    """What mmengine's CheckpointHook writes for a FeatureDistill run: the algorithm's
    state_dict (student, teacher, connectors) plus optimizer state and message hub."""
    tmp = tmp_path_factory.mktemp('extract')
    torch.manual_seed(0)
    algorithm = MODELS.build(distill_model(None))
    optimizer = torch.optim.Adam(p for p in algorithm.parameters() if p.requires_grad)
    algorithm.loss(torch.rand(1, 3, 8, 8), _gt(16)).get('loss_pix').backward()
    optimizer.step()
    hub = MessageHub.get_instance('extract_student_test')
    hub.update_scalar('train/loss', 0.5)
    path = str(tmp / 'iter_3.pth')
    torch.save({'meta': {'iter': 3, 'epoch': 0, 'cfg': 'model = ...'},
                'state_dict': algorithm.state_dict(), 'optimizer': optimizer.state_dict(),
                'message_hub': hub.state_dict()}, path)
    return dict(path=path, student=algorithm.student.state_dict(), tmp=tmp)


def _gt(size):
    return DataSample(gt_img=torch.rand(1, 3, size, size))


@pytest.fixture(scope='module')
def extracted(algorithm_ckpt):
    out = str(algorithm_ckpt['tmp'] / 'student.pth')
    run_tool_in_process(EXTRACT, algorithm_ckpt['path'], out)
    return out


def test_extracted_student_loads_strictly_into_plain_editor(algorithm_ckpt, extracted):
    ckpt = torch.load(extracted, map_location='cpu', weights_only=True)
    assert set(ckpt) == {'meta', 'state_dict'}
    assert ckpt['meta']['prefix'] == 'student.' and ckpt['meta']['iter'] == 3
    assert 'cfg' not in ckpt['meta']
    assert all(k.startswith(('generator.', 'pixel_loss.')) for k in ckpt['state_dict'])

    editor = MODELS.build(student_cfg())
    load_checkpoint(editor, extracted, map_location='cpu', strict=True)
    for key, value in algorithm_ckpt['student'].items():
        assert torch.equal(editor.state_dict()[key], value), key


def test_plain_mmagic_config_tests_the_extracted_student(algorithm_ckpt, extracted):
    """mmagic's own config (no algorithm) and the extracted weights give the same metrics
    as the algorithm config with the full checkpoint."""
    tmp = algorithm_ckpt['tmp']
    data_root = make_sr_data(str(tmp / 'data'))
    plain = write_config(str(tmp / 'plain_edsr.py'),
                         sr_config(student_cfg(), data_root, default_scope='mmagic'))
    algorithm = write_config(str(tmp / 'tiny_fitnet_test.py'),
                             sr_config(distill_model('unused_teacher.pth'), data_root))
    metrics = {}
    for name, config, ckpt in (('plain', plain, extracted),
                               ('algorithm', algorithm, algorithm_ckpt['path'])):
        out = tmp / f'{name}.json'
        run_tool_in_process('test.py', config, ckpt, '--work-dir', str(tmp / name),
                            '--out', str(out))
        metrics[name] = json.loads(out.read_text())
    assert set(metrics['plain']) == {'PSNR', 'SSIM'}
    assert metrics['plain'] == pytest.approx(metrics['algorithm'])

    with pytest.raises(SystemExit, match='extract_student'):  # unextracted + plain config
        run_tool_in_process('test.py', plain, algorithm_ckpt['path'], '--work-dir',
                            str(tmp / 'mismatch'))


def test_unknown_prefix_lists_the_prefixes(algorithm_ckpt, tmp_path):
    with pytest.raises(SystemExit) as exc:
        run_tool_in_process(EXTRACT, algorithm_ckpt['path'], str(tmp_path / 'x.pth'),
                            '--prefix', 'nets.1.')
    message = str(exc.value.code)
    assert "'nets.1.'" in message
    assert 'connectors., student., teacher.' in message
    assert not (tmp_path / 'x.pth').exists()


def test_empty_prefix_keeps_every_weight_and_drops_the_training_state(algorithm_ckpt,
                                                                      tmp_path):
    """A model trained alone (e.g. a teacher) is shipped without its optimizer state."""
    out = str(tmp_path / 'plain.pth')
    run_tool_in_process(EXTRACT, algorithm_ckpt['path'], out, '--prefix', '')
    ckpt = torch.load(out, map_location='cpu', weights_only=True)
    source = torch.load(algorithm_ckpt['path'], map_location='cpu', weights_only=True)
    assert set(ckpt) == {'meta', 'state_dict'} and ckpt['meta']['prefix'] == ''
    assert list(ckpt['state_dict']) == list(source['state_dict'])
    for key, value in source['state_dict'].items():
        assert torch.equal(ckpt['state_dict'][key], value), key
