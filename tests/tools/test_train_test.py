"""tools/train.py (train, resume) and tools/test.py on a tiny FitNet EDSR x2 run."""
import json
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config

from mmkd_ext.apis.train import merge_args, train_args
from tests.tools._tiny_sr import (
    distill_model,
    latest_log,
    make_sr_data,
    make_teacher_ckpt,
    run_script,
    run_tool_in_process,
    sr_config,
    write_config,
)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """Two iterations of tools/train.py in a subprocess, as a user runs it."""
    tmp = tmp_path_factory.mktemp('train')
    data_root = make_sr_data(str(tmp / 'data'))
    teacher_ckpt = make_teacher_ckpt(str(tmp / 'teacher.pth'))
    config = write_config(str(tmp / 'tiny_fitnet.py'),
                          sr_config(distill_model(teacher_ckpt), data_root, max_iters=2))
    work_dir = str(tmp / 'work')
    proc = run_script(['tools/train.py', config, '--work-dir', work_dir])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return dict(config=config, work_dir=work_dir, data_root=data_root)


def test_train_writes_checkpoints_and_losses(trained):
    work_dir = trained['work_dir']
    for it in (1, 2):
        assert osp.isfile(osp.join(work_dir, f'iter_{it}.pth'))
    log = latest_log(work_dir)
    assert re.search(r'Iter\(train\) \[2/2\].*loss_pix: [\d.]+.*loss_body: [\d.]+', log), log
    assert re.search(r'Iter\(val\).*PSNR: [\d.]+', log), log  # val_interval=2


def test_resume_continues_from_last_checkpoint(trained):
    """A fresh runner (in this process: the subprocess above already covers the script
    start) resumes from ``last_checkpoint`` and trains iterations 3 and 4 only."""
    work_dir = trained['work_dir']
    run_tool_in_process('train.py', trained['config'], '--work-dir', work_dir, '--resume',
                        '--cfg-options', 'train_cfg.max_iters=4')
    log = latest_log(work_dir)
    assert 'resumed epoch: 0, iter: 2' in log, log
    assert re.search(r'Iter\(train\) \[3/4\]', log) and re.search(r'Iter\(train\) \[4/4\]', log)
    assert not re.search(r'Iter\(train\) \[[12]/4\]', log)
    ckpt = torch.load(osp.join(work_dir, 'iter_4.pth'), map_location='cpu', weights_only=True)
    assert ckpt['meta']['iter'] == 4
    assert open(osp.join(work_dir, 'last_checkpoint')).read().strip().endswith('iter_4.pth')


def test_test_tool_dumps_psnr_ssim(trained, tmp_path):
    out = tmp_path / 'metrics.json'
    ckpt = osp.join(trained['work_dir'], 'iter_2.pth')
    run_tool_in_process('test.py', trained['config'], ckpt, '--work-dir', str(tmp_path),
                        '--out', str(out))
    metrics = json.loads(out.read_text())
    assert set(metrics) == {'PSNR', 'SSIM'}, metrics
    assert 5 < metrics['PSNR'] < 100 and 0 < metrics['SSIM'] <= 1


def test_missing_data_root_names_the_path(tmp_path):
    missing = str(tmp_path / 'no_such_data')
    config = write_config(str(tmp_path / 'cfg.py'), sr_config(distill_model(None), missing))
    with pytest.raises(SystemExit) as exc:
        run_tool_in_process('train.py', config, '--work-dir', str(tmp_path / 'work'))
    assert exc.value.code not in (0, None)
    assert missing in str(exc.value.code) and 'prepare_data.py' in str(exc.value.code)


def test_merge_args_flags():
    def merged(**kwargs):
        cfg = Config(sr_config(distill_model(None), 'data'))
        return merge_args(cfg, train_args('configs/x/tiny.py', **kwargs))

    cfg = merged()
    assert cfg.work_dir == osp.join('./work_dirs', 'tiny') and cfg.launcher == 'none'
    assert cfg.optim_wrapper.type == 'OptimWrapper' and not cfg.get('resume')
    cfg = merged(amp=True, no_validate=True, resume='auto', work_dir='w',
                 cfg_options={'train_cfg.max_iters': 7})
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper' and cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.val_cfg is None and cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.resume is True and cfg.load_from is None
    assert cfg.work_dir == 'w' and cfg.train_cfg.max_iters == 7
    cfg = merged(resume='w/iter_2.pth')
    assert cfg.resume is True and cfg.load_from == 'w/iter_2.pth'
    with pytest.raises(SystemExit, match='base_batch_size'):
        merged(auto_scale_lr=True)
