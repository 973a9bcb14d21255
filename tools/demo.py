"""The CPU-scale demo: distil an EDSR teacher into a small EDSR student on real photos.

Steps (each skipped when its output already exists, so an interrupted demo resumes):
1. prepare ``data/sr_demo`` from the package data (tools/prepare_data.py sr);
2. the teacher: the checkpoint shipped in checkpoints/ (or, with ``--train-teacher``,
   trained here with its config);
3. train the student alone, the FitNet student and the LSFD student, same data, schedule
   and seed;
4. evaluate bicubic, teacher and both students on the 14-image benchmark (PSNR-Y / SSIM-Y,
   border = scale) and print the table.

    python tools/demo.py [--work-dir work_dirs/demo] [--iters N] [--train-teacher]
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHER_CFG = 'configs/edsr/edsr_x4c32b8_1xb8-4k_sr-demo.py'
TEACHER_CKPT = 'checkpoints/edsr_x4c32b8_1xb8-4k_sr-demo.pth'
RUNS = [  # (row name, config)
    ('student alone', 'configs/edsr/edsr_x4c16b4_1xb8-1k_sr-demo.py'),
    ('FitNet student', 'configs/fitnet/fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'),
    ('LSFD student', 'configs/lsfd/lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='mmkd_ext CPU-scale SR distillation demo')
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument('--iters', type=int, default=None,
                        help='override the training iterations of the students')
    parser.add_argument('--train-teacher', action='store_true',
                        help='train the teacher here instead of using the shipped checkpoint')
    parser.add_argument('--runs', nargs='*', default=None,
                        help='extra "name=config" rows (e.g. LSFD) appended to the table')
    return parser.parse_args(argv)


def run(cmd):
    """Run a tool in a subprocess, streaming its mmengine log to the terminal."""
    print('+', ' '.join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=REPO)
    if proc.returncode != 0:
        sys.exit(f'demo: command failed with exit code {proc.returncode}: {" ".join(cmd)}')


def train(config, work_dir, extra=()):
    """Train unless ``work_dir`` holds a finished run; resume an interrupted one."""
    done = osp.join(work_dir, 'done.json')
    if osp.exists(done):
        print(f'demo: {config} already trained in {work_dir}', flush=True)
        return json.load(open(done))['seconds']
    cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir, *extra]
    if osp.exists(osp.join(work_dir, 'last_checkpoint')):
        cmd.append('--resume')
    start = time.time()
    run(cmd)
    seconds = time.time() - start
    json.dump({'seconds': seconds}, open(done, 'w'))
    return seconds


def test(config, checkpoint, work_dir, extra=()):
    out = osp.join(work_dir, 'test_metrics.json')
    if not osp.exists(out):
        run([sys.executable, 'tools/test.py', config, checkpoint, '--work-dir', work_dir,
             '--out', out, *extra])
    return json.load(open(out))


def last_checkpoint(work_dir):
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def bicubic_metrics(data_root='data/sr_demo', scale=4):
    """PSNR-Y / SSIM-Y of MATLAB-like bicubic upsampling (mmagic's) on the benchmark."""
    import cv2
    import numpy as np

    import mmkd_ext  # noqa: F401
    from mmagic.datasets.transforms import MATLABLikeResize
    from mmagic.evaluation.metrics.psnr import psnr
    from mmagic.evaluation.metrics.ssim import ssim
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


def count_params(config, key):
    """Parameters of the network that is deployed (the student, or the editor itself)."""
    from mmengine import Config
    from mmengine.registry import init_default_scope

    import mmkd_ext  # noqa: F401
    from mmkd_ext.registry import MODELS
    init_default_scope('mmkd_ext')
    cfg = Config.fromfile(osp.join(REPO, config)).model
    cfg = cfg.get(key, cfg) if cfg.type == 'FeatureDistill' else cfg
    return sum(p.numel() for p in MODELS.build(cfg).generator.parameters())


def main(argv=None):
    args = parse_args(argv)
    os.chdir(REPO)
    t0 = time.time()
    if not osp.isdir('data/sr_demo/bench14_hr'):
        run([sys.executable, 'tools/prepare_data.py', 'sr'])

    rows = [('bicubic', None, 0, bicubic_metrics(), None)]
    teacher_dir = osp.join(args.work_dir, 'teacher')
    if args.train_teacher or not osp.isfile(TEACHER_CKPT):
        print(f'demo: training the teacher ({TEACHER_CFG})', flush=True)
        train(TEACHER_CFG, teacher_dir)
        teacher_ckpt = last_checkpoint(teacher_dir)
    else:
        print(f'demo: using the shipped teacher {TEACHER_CKPT}', flush=True)
        teacher_ckpt = TEACHER_CKPT
    os.makedirs(teacher_dir, exist_ok=True)
    rows.append(('teacher', TEACHER_CFG, count_params(TEACHER_CFG, 'teacher'),
                 test(TEACHER_CFG, teacher_ckpt, teacher_dir), None))

    runs = list(RUNS) + [tuple(r.split('=', 1)) for r in (args.runs or [])]
    for name, config in runs:
        work_dir = osp.join(args.work_dir, osp.splitext(osp.basename(config))[0])
        extra = ['--cfg-options', f'model.teacher_ckpt={teacher_ckpt}'] \
            if 'fitnet' in config or 'lsfd' in config else []
        if args.iters:
            extra = (extra or ['--cfg-options']) + [
                f'train_cfg.max_iters={args.iters}', f'train_cfg.val_interval={args.iters}',
                f'param_scheduler.T_max={args.iters}']
        seconds = train(config, work_dir, extra)
        metrics = test(config, last_checkpoint(work_dir), work_dir, extra)
        rows.append((name, config, count_params(config, 'student'), metrics, seconds))

    print_table(rows)
    pictures = sorted(glob.glob(osp.join(args.work_dir, 'lsfd_*', '*', 'vis_data', 'vis_image',
                                         '*.png')))
    if pictures:
        print(f'LSFD attention beside LR | student | teacher | HR (every 500 iterations): '
              f'{osp.dirname(pictures[-1])}')
    print(f'demo: finished in {time.time() - t0:.0f} s; work dirs under {args.work_dir}')


def metric(metrics, name):
    values = [v for k, v in metrics.items() if k.split('/')[-1] == name]
    return values[0] if values else float('nan')


def print_table(rows):
    print('\nx4 super-resolution on the 14-image benchmark (Y channel, border 4)')
    header = f'| {"model":<16} | {"params":>8} | {"PSNR-Y":>7} | {"SSIM-Y":>7} | {"train s":>7} |'
    print(header)
    print('|' + '|'.join('-' * (len(c)) for c in header.split('|')[1:-1]) + '|')
    for name, _, params, metrics, seconds in rows:
        train_s = f'{seconds:7.0f}' if seconds else '      -'
        print(f'| {name:<16} | {params:>8,} | {metric(metrics, "PSNR"):7.2f} | '
              f'{metric(metrics, "SSIM"):7.4f} | {train_s} |')


if __name__ == '__main__':
    main()
