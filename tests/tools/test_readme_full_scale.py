"""The README's "Distil at full scale" block, command by command, on the DIV2K / Set5 /
Set14 / B100 / Urban100 stand-in, from a user's working directory, with full-size networks
(EDSR 32 x 256 teacher, EDSR-baseline student).

The commands are read from README.md and run as written, except: ``python`` is this
interpreter and ``tools/`` / ``configs/`` the checkout's (the working directory is not the
checkout); ``iter_300000`` is ``iter_2`` and each train command gets the two-iteration
``--cfg-options`` of tests/tools/_full_scale.py (two iterations, one validation, a checkpoint,
small batch and crop, no worker processes); ``dist_train.sh`` starts 2 processes instead of
8, with the teacher checkpoint of the first command for ``...``; ``tools/test.py`` also
writes its metrics (``--out``). The README's closing claim, that ``student.pth`` is a plain
mmagic checkpoint, is checked with mmagic's own ``edsr_x4c64b16_1xb16-300k_div2k.py``.
"""
import json
import os
import os.path as osp
import re
import shlex
import sys

import pytest
import torch

from tests._standin_data import build_standin
from tests.tools import _full_scale as fs
from tests.tools._tiny_sr import free_port

pytestmark = pytest.mark.slow

ITERS = 2
#: The tool each README command runs, in the README's order.
EXPECTED_TOOLS = ['tools/train.py', 'tools/train.py', 'tools/dist_train.sh', 'tools/test.py',
                  'tools/model_converters/extract_student.py']
STUDENT_CONFIG = 'edsr/edsr_x4c64b16_1xb16-300k_div2k.py'  # mmagic's, named by the README
TEST_SETS = ('Set5', 'Set14', 'B100', 'Urban100')


def readme_commands() -> list:
    """The commands of the README's "Distil at full scale" block, as argv lists."""
    with open(osp.join(fs.REPO, 'README.md')) as f:
        text = f.read()
    section = text.split('## Distil at full scale', 1)[1].split('\n## ', 1)[0]
    block = re.search(r'```bash\n(.*?)```', section, re.S).group(1)
    lines = block.replace('\\\n', ' ').splitlines()
    return [shlex.split(line, comments=True) for line in lines
            if line.strip() and not line.lstrip().startswith('#')]


def _tool(argv: list) -> str:
    return argv[1] if argv[0] == 'python' else argv[0]


def as_user_runs(argv: list, teacher_ckpt: str, options: list) -> list:
    """A README command as run from the user's directory (see the module docstring)."""
    out = []
    for i, token in enumerate(argv):
        if i == 0 and token == 'python':
            token = sys.executable
        elif token.startswith(('tools/', 'configs/')):
            token = osp.join(fs.REPO, token)
        token = token.replace('iter_300000', f'iter_{ITERS}')
        if token == 'model.teacher_ckpt=...':
            token = f'model.teacher_ckpt={teacher_ckpt}'
        out.append(token)
    if _tool(argv) == 'tools/dist_train.sh':
        out[2] = '2'  # processes (GPUs in the README)
    return out + (['--cfg-options', *options] if options else [])


@pytest.fixture(scope='module')
def readme_run(tmp_path_factory):
    """Run every README command in order (stopping at the first failure), then test
    ``student.pth`` with mmagic's config. Returns the user's directory, the commands and
    their results."""
    user = str(tmp_path_factory.mktemp('readme_user'))
    build_standin(user, ['div2k', 'sr_benchmarks'])
    commands = readme_commands()
    train_cfgs = {}
    teacher_ckpt, results = None, []
    for argv in commands:
        tool = _tool(argv)
        config = next(t for t in argv if t.startswith('configs/')) if tool != EXPECTED_TOOLS[
            -1] else None
        if config and config not in train_cfgs:
            train_cfgs[config] = fs.load(config)
        cfg = train_cfgs.get(config)
        if tool in ('tools/train.py', 'tools/dist_train.sh'):
            given = {t.split('=')[0] for t in argv if '=' in t}
            options = [o for o in fs.loop_options(cfg) + fs.loader_options(cfg, eval_batch=1)
                       + fs.crop_options(cfg) + fs.hook_options(cfg)
                       if o.split('=')[0] not in given]
        elif tool == 'tools/test.py':
            options = fs.loader_options(cfg, eval_batch=1)
        else:
            options = []
        cmd = as_user_runs(argv, teacher_ckpt, options)
        if tool == 'tools/test.py':
            cmd[cmd.index('--cfg-options'):cmd.index('--cfg-options')] = [
                '--out', 'distill_metrics.json']
        teacher_ckpt = teacher_ckpt or next(
            (t.split('=', 1)[1] for t in cmd if t.startswith('model.teacher_ckpt=')), None)
        proc = fs.run(cmd, user, extra_env=dict(PORT=str(free_port())))
        results.append((cmd, proc))
        if proc.returncode != 0:
            break
    student_cfg = fs.load(fs.mmagic_config(STUDENT_CONFIG))
    # Y-channel PSNR/SSIM like the LSFD config's test, so the numbers compare
    y_channel = [f'test_evaluator.{i}.metrics.{j}.convert_to=Y'
                 for i, e in enumerate(student_cfg.test_evaluator)
                 for j, _ in enumerate(e['metrics'])]
    student_test = [sys.executable, fs.TEST, fs.mmagic_config(STUDENT_CONFIG), 'student.pth',
                    '--out', 'student_metrics.json', '--cfg-options',
                    *fs.loader_options(student_cfg, eval_batch=1), *y_channel]
    if len(results) == len(commands) and results[-1][1].returncode == 0:
        results.append((student_test, fs.run(student_test, user)))
    yield dict(user=user, commands=commands, results=results, teacher_ckpt=teacher_ckpt)
    for root, _, files in os.walk(user):
        for name in files:
            if name.endswith('.pth'):
                fs.remove_quietly(osp.join(root, name))


def _step(readme_run, index: int):
    """The command and result of step ``index``; fails naming the first failed step."""
    results = readme_run['results']
    for cmd, proc in results[:index + 1]:
        if proc.returncode != 0:
            pytest.fail(f'{" ".join(cmd)}\nexited with {proc.returncode}:\n'
                        f'{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}', pytrace=False)
    assert index < len(results), 'not run'
    return results[index]


def test_readme_block_is_what_runs():
    """Every command of the block is one the fixture knows how to run, in this order."""
    assert [_tool(argv) for argv in readme_commands()] == EXPECTED_TOOLS


def test_teacher_trains(readme_run):
    _step(readme_run, 0)
    ckpt = osp.join(readme_run['user'], readme_run['teacher_ckpt'])
    meta = torch.load(ckpt, map_location='cpu', weights_only=True)['meta']
    assert meta['iter'] == ITERS


def test_lsfd_distils_from_that_teacher(readme_run):
    """The LSFD checkpoint's (frozen) teacher holds the teacher checkpoint's weights."""
    _step(readme_run, 1)
    user = readme_run['user']
    teacher = torch.load(osp.join(user, readme_run['teacher_ckpt']), map_location='cpu',
                         weights_only=True)['state_dict']
    log = fs.run_log(osp.join(user, 'work_dirs', 'edsr_x4'))
    assert 'loss_body' in log and re.search(rf'Iter\(train\) \[{ITERS}/{ITERS}\]', log)
    assert len(re.findall(r'Iter\(val\).* PSNR: ', log)) >= 1
    distill = torch.load(fs.last_checkpoint(osp.join(user, 'work_dirs', 'edsr_x4')),
                         map_location='cpu', weights_only=True)['state_dict']
    for key, value in teacher.items():
        assert torch.equal(distill[f'teacher.{key}'], value), key


def test_dist_train_two_processes(readme_run):
    cmd, proc = _step(readme_run, 2)
    log = fs.run_log(osp.join(readme_run['user'], 'work_dirs', 'edsr_x4'))
    assert 'Distributed training: True' in log


def test_test_reports_every_test_set(readme_run):
    _step(readme_run, 3)
    with open(osp.join(readme_run['user'], 'distill_metrics.json')) as f:
        metrics = json.load(f)
    assert {f'{s}/{m}' for s in TEST_SETS for m in ('PSNR', 'SSIM')} <= set(metrics), metrics


def test_extracted_student_is_a_plain_mmagic_checkpoint(readme_run):
    """student.pth tests with mmagic's own EDSR config, with the same Set5 / Set14 numbers
    as the distillation checkpoint it came from."""
    _step(readme_run, 5)
    user = readme_run['user']
    with open(osp.join(user, 'distill_metrics.json')) as f:
        distill = json.load(f)
    with open(osp.join(user, 'student_metrics.json')) as f:
        student = json.load(f)
    for key in ('Set5/PSNR', 'Set5/SSIM', 'Set14/PSNR', 'Set14/SSIM'):
        assert student[key] == pytest.approx(distill[key], abs=1e-6), key
