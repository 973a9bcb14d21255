"""The CPU-scale super-resolution demo (``make demo``, ``tools/demo.py``).

Steps, each skipped when its output exists (an interrupted demo resumes):

1. prepare ``data/sr_demo`` from the package data when it is missing;
2. score bicubic upsampling and the shipped teacher on the 14-image benchmark;
3. train the students that fit the time budget now, all from the same teacher, data,
   schedule and seed: alone, output-KD and LSFD by default; one progress line per run, the
   full mmengine logs in each run's ``train.out``;
4. score the students shipped in ``checkpoints/lsfd/manifest.json`` (when present), so rows
   too long to train here still show;
5. print one table: PSNR-Y / SSIM-Y (border = scale), the gain over the student trained
   alone, and whether each row was trained now or shipped.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import time
from typing import List, Optional, Sequence, Tuple

from .manifest import SR_NAMES, load_manifest
from .paths import project_root
from .progress import Progress
from .runs import last_checkpoint, test_in_subprocess, train_in_subprocess

__all__ = ['TEACHER_CFG', 'TEACHER_CKPT', 'RUNS', 'DEFAULT_ITERS', 'run_demo',
           'bicubic_metrics', 'format_table']

#: The teacher of the SR study (EDSR 16 x 32, 20k iterations), shipped in checkpoints/.
TEACHER_CFG = 'configs/edsr/edsr_x4c32b16_1xb16-20k_sr-demo.py'
TEACHER_CKPT = 'checkpoints/edsr_x4c32b16_1xb16-20k_sr-demo.pth'
_PAIR = 'edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py'
#: (row name, config) of the students trained by the demo: the study's configs, their
#: 16k schedule cut to the demo's iterations.
RUNS = [
    ('alone', 'configs/edsr/edsr_x4c16b4_1xb8-16k_sr-demo.py'),
    ('output-kd', f'configs/lsfd/output-kd_{_PAIR}'),
    ('lsfd', f'configs/lsfd/lsfd_{_PAIR}'),
]
#: Iterations per student: where the student alone clears bicubic on the benchmark.
DEFAULT_ITERS = 2000
MANIFEST = 'checkpoints/lsfd/manifest.json'
DATA_ROOT = 'data/sr_demo'


def bicubic_metrics(data_root: str = DATA_ROOT, scale: int = 4) -> dict:
    """PSNR-Y / SSIM-Y of MATLAB-like bicubic upsampling (mmagic's) on the benchmark."""
    import cv2
    import numpy as np
    from mmagic.datasets.transforms import MATLABLikeResize
    from mmagic.evaluation.metrics.psnr import psnr
    from mmagic.evaluation.metrics.ssim import ssim

    import mmkd_ext  # noqa: F401  (numpy aliases mmagic needs)
    upscale = MATLABLikeResize(keys=['img'], scale=scale)
    psnrs, ssims = [], []
    hr_dir, lr_dir = osp.join(data_root, 'bench14_hr'), osp.join(data_root, f'bench14_lr_x{scale}')
    for name in sorted(os.listdir(hr_dir)):
        hr = cv2.imread(osp.join(hr_dir, name))[..., ::-1].astype(np.float32)
        lr = cv2.imread(osp.join(lr_dir, name))[..., ::-1].astype(np.float32)
        sr = np.clip(np.around(upscale({'img': lr})['img']), 0, 255)
        psnrs.append(psnr(sr, hr, crop_border=scale, convert_to='Y'))
        ssims.append(ssim(sr, hr, crop_border=scale, convert_to='Y'))
    return {'PSNR': float(np.mean(psnrs)), 'SSIM': float(np.mean(ssims))}


def count_params(config: str) -> int:
    """Parameters of the deployed network: the student of an algorithm, or the editor."""
    from mmengine import Config
    from mmengine.registry import init_default_scope

    from mmkd_ext.registry import MODELS
    init_default_scope('mmkd_ext')
    cfg = Config.fromfile(config).model
    cfg = cfg.get('student', cfg)
    return sum(p.numel() for p in MODELS.build(cfg).generator.parameters())


def metric(metrics: dict, name: str) -> float:
    values = [v for k, v in metrics.items() if k.split('/')[-1] == name]
    return values[0] if values else float('nan')


Row = Tuple[str, str, int, dict, Optional[float]]  # name, source, params, metrics, seconds


def _group(source: str) -> str:
    return 'shipped' if source == 'shipped' else 'trained'


def format_table(rows: Sequence[Row]) -> str:
    """The demo's markdown table. A student's gain is over the row named ``alone`` of its
    own kind (trained now, or shipped): the shipped students trained for the study's full
    budget, the ones trained now for the demo's; ``-`` where that kind has no ``alone``."""
    alone = {_group(src): metric(m, 'PSNR') for n, src, _, m, _ in rows if n == 'alone'}
    header = ('| model | source | params | PSNR-Y | SSIM-Y | vs alone (dB) | train s |\n'
              '|---|---|---|---|---|---|---|')
    lines = [header]
    for name, source, params, metrics, seconds in rows:
        psnr = metric(metrics, 'PSNR')
        base = alone.get(_group(source))
        gain = f'{psnr - base:+.2f}' if base is not None and \
            name not in ('bicubic', 'teacher') else '-'
        lines.append(f'| {name} | {source} | {params:,} | {psnr:.2f} | '
                     f'{metric(metrics, "SSIM"):.4f} | {gain} | '
                     f'{f"{seconds:.0f}" if seconds else "-"} |')
    return '\n'.join(lines)


def _prepare_data(work_dir: str) -> None:
    if osp.isdir(osp.join(DATA_ROOT, 'bench14_hr')):
        return
    print(f'demo: preparing {DATA_ROOT} (a few minutes; log in {work_dir}/prepare_data.out)',
          flush=True)
    os.makedirs(work_dir, exist_ok=True)
    with open(osp.join(work_dir, 'prepare_data.out'), 'a') as log:
        code = subprocess.call(
            [sys.executable, osp.join(project_root(), 'tools', 'prepare_data.py'), 'sr'],
            stdout=log, stderr=subprocess.STDOUT)
    if code != 0:
        sys.exit(f'error: preparing {DATA_ROOT} failed; see {work_dir}/prepare_data.out')


def run_demo(args: argparse.Namespace) -> List[Row]:
    """Run the demo as ``tools/demo.py`` does (from the project root); returns the rows."""
    os.chdir(project_root())
    t0 = time.time()
    work_dir = args.work_dir
    _prepare_data(work_dir)
    teacher_dir = osp.join(work_dir, 'teacher')
    rows: List[Row] = [('bicubic', '-', 0, bicubic_metrics(), None)]

    runs = list(RUNS) + [tuple(r.split('=', 1)) for r in (args.runs or [])]
    skip = set(args.skip or [])
    runs = [(n, c) for n, c in runs if n not in skip]
    iters = args.iters or DEFAULT_ITERS
    progress = Progress(len(runs) + (1 if args.train_teacher else 0), 'trainings')
    if args.train_teacher:
        if train_in_subprocess(TEACHER_CFG, teacher_dir, label='teacher',
                               progress=progress) is None:
            sys.exit(f'error: training the teacher failed; see {teacher_dir}/train.out')
        teacher_ckpt = last_checkpoint(teacher_dir)
    else:
        teacher_ckpt = TEACHER_CKPT
    rows.append(('teacher', 'shipped' if not args.train_teacher else 'trained now',
                 count_params(TEACHER_CFG), test_in_subprocess(TEACHER_CFG, teacher_ckpt,
                                                               teacher_dir), None))

    schedule = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
                f'param_scheduler.T_max={iters}']
    for name, config in runs:
        run_dir = osp.join(work_dir, name)
        options = [*schedule, f'model.teacher_ckpt={teacher_ckpt}'] \
            if 'FeatureDistill' in _model_type(config) else schedule
        seconds = train_in_subprocess(config, run_dir, options, label=name, progress=progress)
        if seconds is None:
            continue  # the progress line named the log
        rows.append((name, f'trained now ({iters} it)', count_params(config),
                     test_in_subprocess(config, last_checkpoint(run_dir), run_dir, options),
                     seconds))
    progress.close(f'work dirs under {work_dir}')

    if osp.isfile(MANIFEST) and not args.no_shipped:
        for entry in load_manifest(MANIFEST, SR_NAMES):
            rows.append((entry['name'], 'shipped', count_params(entry['config']),
                         test_in_subprocess(entry['config'], entry['checkpoint'],
                                            osp.join(work_dir, 'shipped', entry['name'])),
                         None))
    print('\nx4 super-resolution on the 14-image benchmark (PSNR/SSIM on Y, border 4; '
          'gains over the student alone trained now, or shipped)')
    print(format_table(rows))
    if progress.failed:
        print(f'demo: failed trainings (logs named above): {", ".join(progress.failed)}')
    print(f'demo: finished in {time.time() - t0:.0f} s; work dirs under {work_dir}')
    return rows


def _model_type(config: str) -> str:
    from mmengine import Config
    return str(Config.fromfile(config).model.get('type', ''))
