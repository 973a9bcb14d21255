"""A tiny x2 SR data set and distillation configs for the tools tests (runs on CPU in seconds).

The configs are plain python files of dicts (no ``_base_``), so the tools are exercised
exactly as a user runs them: ``python tools/train.py CONFIG``.
"""
import os
import os.path as osp
import runpy
import subprocess
import sys
from typing import Dict, List, Optional

import numpy as np
from PIL import Image

import mmkd_ext  # noqa: F401  (compat first: usable outside pytest's conftest too)
from tests.models._editors import tiny_editor

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO, 'tools')
SCALE = 2


def make_sr_data(root: str, num: int = 4, lr_size: int = 16) -> str:
    """Write ``num`` smooth random HR images (2x ``lr_size``) in ``root/HR`` and their
    bicubic-downscaled LR versions in ``root/LR``. Returns ``root``."""
    rng = np.random.default_rng(0)
    hr_size = lr_size * SCALE
    for sub in ('HR', 'LR'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    for i in range(num):
        coarse = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        hr = Image.fromarray(coarse).resize((hr_size, hr_size), Image.BICUBIC)
        hr.save(osp.join(root, 'HR', f'img{i}.png'))
        hr.resize((lr_size, lr_size), Image.BICUBIC).save(osp.join(root, 'LR', f'img{i}.png'))
    return root


def student_cfg() -> dict:
    return tiny_editor(8, 2, SCALE)


def teacher_cfg() -> dict:
    return tiny_editor(16, 2, SCALE)


def make_teacher_ckpt(path: str) -> str:
    """A randomly initialised teacher saved the way a trained one would be loaded."""
    import torch

    from mmkd_ext.registry import MODELS
    torch.manual_seed(0)
    teacher = MODELS.build(teacher_cfg())
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path


def distill_model(teacher_ckpt: Optional[str]) -> dict:
    return dict(
        type='FeatureDistill',
        student=student_cfg(),
        teacher=teacher_cfg(),
        teacher_ckpt=teacher_ckpt,
        distill_losses=dict(
            body=dict(
                student='generator.upsample:input',
                teacher='generator.upsample:input',
                connector=dict(type='ConvRegressor', kernel_size=1),
                loss=dict(type='FitNetLoss', mode='l1', loss_weight=1.0))))


def _dataloader(data_root: str, train: bool) -> dict:
    load = [
        dict(type='LoadImageFromFile', key=key, color_type='color',
             channel_order='rgb', imdecode_backend='cv2') for key in ('img', 'gt')
    ]
    crop = [dict(type='mmagic.SetValues', dictionary=dict(scale=SCALE)),
            dict(type='mmagic.PairedRandomCrop', gt_patch_size=16)] if train else []
    return dict(
        batch_size=2,
        num_workers=0,
        persistent_workers=False,
        drop_last=train,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(
            type='mmagic.BasicImageDataset',
            metainfo=dict(dataset_type='tiny', task_name='sisr'),
            data_root=data_root,
            data_prefix=dict(img='LR', gt='HR'),
            pipeline=load + crop + [dict(type='mmagic.PackInputs')]))


def sr_config(model: dict, data_root: str, max_iters: int = 2,
              default_scope: str = 'mmkd_ext') -> Dict[str, object]:
    """A complete runner config: iteration-based, validation and a checkpoint every
    ``max_iters`` / every iteration, PSNR/SSIM on the Y channel with the border cropped."""
    # mmagic's metrics evaluate without a dataset size: they need mmagic's evaluator/loops
    evaluator = dict(
        type='mmagic.Evaluator',
        metrics=[
            dict(type='mmagic.PSNR', crop_border=SCALE, convert_to='Y'),
            dict(type='mmagic.SSIM', crop_border=SCALE, convert_to='Y'),
        ])
    return dict(
        default_scope=default_scope,
        model=model,
        train_dataloader=_dataloader(data_root, train=True),
        val_dataloader=_dataloader(data_root, train=False),
        test_dataloader=_dataloader(data_root, train=False),
        val_evaluator=evaluator,
        test_evaluator=evaluator,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=2),
        val_cfg=dict(type='mmagic.MultiValLoop'),
        test_cfg=dict(type='mmagic.MultiTestLoop'),
        optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4)),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1),
            checkpoint=dict(type='CheckpointHook', interval=1, by_epoch=False)),
        log_processor=dict(type='LogProcessor', window_size=1, by_epoch=False),
        env_cfg=dict(
            cudnn_benchmark=False,
            mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
            dist_cfg=dict(backend='nccl')),
        log_level='INFO',
        randomness=dict(seed=0),
    )


def write_config(path: str, cfg: Dict[str, object]) -> str:
    with open(path, 'w') as f:
        for key, value in cfg.items():
            f.write(f'{key} = {value!r}\n')
    return path


def tool_env() -> Dict[str, str]:
    """This interpreter's bin/ first on PATH: the shell scripts run ``python`` from it."""
    path = osp.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', '')
    return dict(os.environ, PATH=path, OMP_NUM_THREADS='1')


def run_script(args: List[str], timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``python tools/...`` (or a shell script) in a fresh process from the repo root."""
    cmd = ['bash', *args] if args[0].endswith('.sh') else [sys.executable, *args]
    return subprocess.run(cmd, cwd=REPO, env=tool_env(), capture_output=True, text=True,
                          timeout=timeout)


def run_tool_in_process(script: str, *args: str):
    """``main(args)`` of ``tools/<script>`` in this process: its command line as a user types
    it, without the process start and its ~10 s of imports. ``SystemExit`` propagates to
    the caller; returns what ``main`` returns."""
    tool = runpy.run_path(osp.join(TOOLS, script), run_name='mmkd_ext_tool')
    return tool['main'](list(args))


def latest_log(work_dir: str) -> str:
    """Text of the newest ``<timestamp>/<timestamp>.log`` under ``work_dir``."""
    runs = sorted(d for d in os.listdir(work_dir) if osp.isdir(osp.join(work_dir, d))
                  and osp.isfile(osp.join(work_dir, d, f'{d}.log')))
    assert runs, f'no log under {work_dir}: {os.listdir(work_dir)}'
    with open(osp.join(work_dir, runs[-1], f'{runs[-1]}.log')) as f:
        return f.read()


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def dist_train_two(config: str, work_dir: str, monkeypatch) -> str:
    """``tools/dist_train.sh CONFIG 2`` on a free port; checks that it ran distributed and
    returns its log."""
    monkeypatch.setenv('PORT', str(free_port()))
    proc = run_script(['tools/dist_train.sh', config, '2', '--work-dir', work_dir])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = latest_log(work_dir)
    assert 'Distributed training: True' in log
    return log
