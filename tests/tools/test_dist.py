"""tools/dist_train.sh: two processes (torchrun, gloo on CPU) train the tiny FitNet run."""
import os.path as osp
import re
import shutil
import sys

import pytest
import torch

from tests.tools._tiny_sr import (
    dist_train_two,
    distill_model,
    make_sr_data,
    make_teacher_ckpt,
    sr_config,
    write_config,
)


@pytest.mark.skipif(shutil.which('torchrun', path=osp.dirname(sys.executable)) is None,
                    reason='torchrun is not installed')
def test_dist_train_two_processes(tmp_path, monkeypatch):
    data_root = make_sr_data(str(tmp_path / 'data'))
    teacher_ckpt = make_teacher_ckpt(str(tmp_path / 'teacher.pth'))
    config = write_config(str(tmp_path / 'tiny_fitnet_dist.py'),
                          sr_config(distill_model(teacher_ckpt), data_root, max_iters=2))
    work_dir = str(tmp_path / 'work')
    log = dist_train_two(config, work_dir, monkeypatch)
    if not torch.cuda.is_available():
        assert "backend 'nccl' replaced by gloo" in log
    assert re.search(r'Iter\(train\) \[2/2\].*loss_body: [\d.]+', log), log
    ckpt = torch.load(osp.join(work_dir, 'iter_2.pth'), map_location='cpu', weights_only=True)
    assert ckpt['meta']['iter'] == 2
    assert any(k.startswith('student.generator.') for k in ckpt['state_dict'])
