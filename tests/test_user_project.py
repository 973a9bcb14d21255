"""A user's own project, outside the checkout: a config that inherits ``mmkd_ext::`` trains
from its own folder, the student is extracted and super-resolves images, and mmagic alone
(without ``import mmkd_ext``) loads that student. Once after the editable install that
``make install`` makes (this environment), once after a wheel install into a fresh venv.

The commands are the ones of the README's "Use it in your own project", with the run cut to
2 iterations (:data:`SHORT`).
"""
import glob
import os
import os.path as osp
import shutil
import site
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from .conftest import REPO

#: The README's config, written in the user's folder (``{mmkd}``: where mmkd_ext lives).
MY_LSFD = """\
# LSFD from the shipped EDSR teacher (8 x 32) into an EDSR 4 x 16 student, x4, on my photos
_base_ = 'mmkd_ext::lsfd/lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'
photos = dict(data_root='my_photos', data_prefix=dict(img='LR', gt='HR'))
train_dataloader = dict(dataset=photos)
val_dataloader = dict(dataset=photos)
test_dataloader = dict(dataset=photos)
model = dict(teacher_ckpt='{mmkd}/checkpoints/edsr_x4c32b8_1xb8-4k_sr-demo.pth')
"""
#: What the tests append to the README's train command: 2 iterations, no data workers.
SHORT = ['--cfg-options', 'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
         'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0']
STUDENT_CONFIG = 'mmkd_ext::edsr/edsr_x4c16b4_1xb8-1k_sr-demo.py'
#: MMRazor's own config, which inherits ``mmcls::`` (mmcls 1.x is mmpretrain now).
RAZOR = "_base_ = 'mmrazor::distill/mmcls/kd/kd_logits_resnet34_resnet18_8xb32_in1k.py'\n"

#: Run without mmkd_ext: mmagic's own EDSR config with the student's size, the extracted
#: student loaded by mmengine, one image through mmagic's test pipeline and predict mode.
MMAGIC_ALONE = """\
import sys
import numpy as np
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.runner import load_checkpoint
from mmagic.registry import MODELS
from mmagic.utils import register_all_modules

register_all_modules()
cfg = Config.fromfile('mmagic_student.py')
model = MODELS.build(cfg.model).eval()
load_checkpoint(model, 'student.pth', map_location='cpu', strict=True)
pipeline = Compose([dict(type='LoadImageFromFile', key='img', channel_order='rgb'),
                    dict(type='PackInputs')])
item = pipeline(dict(img_path='my_photos/LR/photo0.png'))
data = model.data_preprocessor(dict(inputs=[item['inputs']], data_samples=[item['data_samples']]))
pred = model(**data, mode='predict')[0].output.pred_img  # BGR, as mmagic writes images
np.save('mmagic_sr.npy', pred.detach().permute(1, 2, 0).numpy())
assert 'mmkd_ext' not in sys.modules, 'mmkd_ext was imported'
"""
MMAGIC_STUDENT = """\
_base_ = 'mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py'
model = dict(generator=dict(mid_channels=16, num_blocks=4))
"""


def _photos(root: str, num: int = 3, lr_size: int = 32, scale: int = 4) -> None:
    """``root/HR`` and ``root/LR`` (x4 smaller): smooth random images, the user's photos."""
    import cv2
    rng = np.random.default_rng(0)
    for sub in ('HR', 'LR'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    for i in range(num):
        coarse = rng.integers(0, 256, (6, 6, 3), dtype=np.uint8)
        hr = cv2.resize(coarse, (lr_size * scale,) * 2, interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(osp.join(root, 'HR', f'photo{i}.png'), hr)
        lr = cv2.resize(hr, (lr_size,) * 2, interpolation=cv2.INTER_AREA)
        cv2.imwrite(osp.join(root, 'LR', f'photo{i}.png'), lr)


def _project(folder: str, mmkd: str) -> str:
    os.makedirs(folder, exist_ok=True)
    _photos(osp.join(folder, 'my_photos'))
    with open(osp.join(folder, 'my_lsfd.py'), 'w') as f:
        f.write(MY_LSFD.format(mmkd=mmkd))
    with open(osp.join(folder, 'mmagic_student.py'), 'w') as f:
        f.write(MMAGIC_STUDENT)
    with open(osp.join(folder, 'razor.py'), 'w') as f:
        f.write(RAZOR)
    return folder


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PYTHONHOME')}
    env.update(OMP_NUM_THREADS='1', PYTHONNOUSERSITE='1', **extra)
    return env


def _run(python: str, args, cwd: str, timeout: int = 300) -> str:
    result = subprocess.run([python, *args], cwd=cwd, env=_env(), capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f'{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}'
    return result.stdout


def _train(python: str, tools: str, folder: str) -> None:
    """The README's train command in the user's folder."""
    _run(python, [osp.join(tools, 'train.py'), 'my_lsfd.py', '--work-dir',
                  'work_dirs/my_lsfd', *SHORT], folder)
    assert osp.isfile(osp.join(folder, 'work_dirs/my_lsfd/iter_2.pth'))


def _extract_infer(python: str, tools: str, folder: str) -> None:
    """The README's extract and infer commands; mmagic alone predicts the same image."""
    _run(python, [osp.join(tools, 'model_converters', 'extract_student.py'),
                  'work_dirs/my_lsfd/iter_2.pth', 'student.pth'], folder)
    out = _run(python, [osp.join(tools, 'sr_infer.py'), STUDENT_CONFIG, 'student.pth',
                        'my_photos/LR/photo0.png', '--out', 'sr'], folder)
    assert out.split()[-1] == 'sr/photo0.png'
    # mmagic alone (no mmkd_ext) loads the student and predicts the same image
    _run(python, ['-c', MMAGIC_ALONE], folder)
    import cv2
    ours = cv2.imread(osp.join(folder, 'sr', 'photo0.png')).astype(int)  # BGR
    theirs = np.round(np.load(osp.join(folder, 'mmagic_sr.npy'))).astype(int)
    assert ours.shape == theirs.shape == (128, 128, 3)
    assert np.abs(ours - theirs).max() <= 1


def _resolve(python: str, folder: str) -> dict:
    """Where the configs come from when loaded in ``folder`` by ``python``."""
    script = (
        'import mmkd_ext\n'
        'from mmengine.config import Config\n'
        'from mmengine.hub import get_config\n'
        "mine = Config.fromfile('my_lsfd.py')\n"
        "assert mine.model.type == 'FeatureDistill', mine.model.type\n"
        "razor = Config.fromfile('razor.py')\n"
        "assert razor.train_dataloader.dataset.type == 'ImageNet'  # from mmcls:: bases\n"
        "student, _ = Config._get_cfg_path(razor.model.architecture.cfg_path, 'razor.py')\n"
        "path, _ = Config._get_cfg_path('mmkd_ext::lsfd/edsr_x4.py', 'my_lsfd.py')\n"
        "teacher = get_config('mmkd_ext::edsr/edsr_x4c32b8_1xb8-4k_sr-demo.py', True)\n"
        'print(repr(dict(package=mmkd_ext.__file__, lsfd=path, teacher=teacher.filename,\n'
        '                weights=teacher.model_path, razor_student=student)))\n')
    import ast
    return ast.literal_eval(_run(python, ['-c', script], folder).strip().splitlines()[-1])


def test_startup_hook_gives_numpy_aliases_without_mmkd_ext_or_torch(tmp_path):
    """``mmkd_ext-startup.pth`` (installed by ``pip install -e .`` / the wheel) applies
    mmkd_ext.compat's numpy and diffusers shims at the first ``import numpy``, loading
    nothing else; ``MMKD_EXT_NO_STARTUP_HOOK=1`` turns it off."""
    script = ("import sys, numpy as np\n"
              "print(hasattr(np, 'bool8'), hasattr(np, 'in1d'),\n"
              "      sorted(m for m in ('mmkd_ext', 'torch', 'mmengine') if m in sys.modules))\n")
    on = _run(sys.executable, ['-c', script], str(tmp_path))
    assert on.split('\n')[0] == "True True []"
    off = subprocess.run([sys.executable, '-c', script], cwd=str(tmp_path), text=True,
                         capture_output=True, env=_env(MMKD_EXT_NO_STARTUP_HOOK='1'))
    first = off.stdout.split('\n')[0]
    assert first.startswith('False ') and first.endswith(' []'), off.stderr  # numpy >= 2


@pytest.mark.slow
def test_editable_install_from_the_users_own_folder(tmp_path):
    folder = _project(str(tmp_path / 'my_project'), REPO)
    found = _resolve(sys.executable, folder)
    assert found['razor_student'].endswith('mmpretrain/.mim/configs/resnet/resnet18_8xb32_in1k.py')
    assert osp.samefile(found['package'], osp.join(REPO, 'mmkd_ext', '__init__.py'))
    assert osp.samefile(found['lsfd'], osp.join(REPO, 'configs', 'lsfd', 'edsr_x4.py'))
    assert osp.samefile(found['teacher'],
                        osp.join(REPO, 'configs', 'edsr', 'edsr_x4c32b8_1xb8-4k_sr-demo.py'))
    assert found['weights'] == 'checkpoints/edsr_x4c32b8_1xb8-4k_sr-demo.pth'
    _train(sys.executable, osp.join(REPO, 'tools'), folder)
    _extract_infer(sys.executable, osp.join(REPO, 'tools'), folder)


def _copy_sources(dst: str) -> str:
    """The tracked kind of files of the checkout: no venvs, data, builds or caches."""
    top_level = {'.git', '.venv', 'build', 'dist', 'data', 'work_dirs', '.pytest_cache'}

    def ignore(directory, names):
        at_top = osp.samefile(directory, REPO)
        return [n for n in names if (at_top and n in top_level) or n == '__pycache__'
                or n.endswith('.egg-info') or (n == '.mim' and osp.basename(directory) ==
                                               'mmkd_ext')]

    return shutil.copytree(REPO, dst, ignore=ignore, symlinks=True)


@pytest.mark.slow
def test_wheel_install_in_a_fresh_venv(tmp_path):
    """``pip install .`` into a new venv that sees this environment's OpenMMLab stack (a
    ``.pth`` line adds its site-packages) but not its editable mmkd_ext (``.pth`` files of
    an added directory are not run, so neither is the editable finder)."""
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check', '-q']
    source = _copy_sources(str(tmp_path / 'src'))
    subprocess.run([*pip, 'wheel', '--no-deps', '--no-build-isolation', '--no-index', '-w',
                    str(tmp_path / 'dist'), source], check=True, env=_env(), timeout=300)
    wheel, = glob.glob(str(tmp_path / 'dist' / 'mmkd_ext-*.whl'))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ('mmkd_ext/.mim/configs/lsfd/edsr_x4.py', 'mmkd_ext/.mim/model-index.yml',
                 'mmkd_ext/.mim/configs/lsfd/metafile.yml', 'mmkd_ext/.mim/tools/train.py',
                 'mmkd_ext/.mim/checkpoints/edsr_x4c32b8_1xb8-4k_sr-demo.pth',
                 'mmkd_ext-startup.pth', '_mmkd_ext_startup.py', 'mmkd_ext/compat/numpy.py'):
        assert name in names, name

    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True,
                   timeout=120)
    python = str(venv / 'bin' / 'python')
    venv_site = subprocess.run(
        [python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
        check=True, capture_output=True, text=True).stdout.strip()
    with open(osp.join(venv_site, '000-openmmlab-stack.pth'), 'w') as f:
        f.write('\n'.join(site.getsitepackages()) + '\n')
    subprocess.run([*pip, '--python', python, 'install', '--no-deps', '--no-index', wheel],
                   check=True, env=_env(), timeout=300)

    mmkd = osp.join(venv_site, 'mmkd_ext', '.mim')  # where a wheel user finds the files
    folder = _project(str(tmp_path / 'my_project'), mmkd)
    found = _resolve(python, folder)
    assert found['razor_student'].endswith('mmpretrain/.mim/configs/resnet/resnet18_8xb32_in1k.py')
    assert found['package'] == osp.join(venv_site, 'mmkd_ext', '__init__.py')
    assert found['lsfd'] == osp.join(mmkd, 'configs', 'lsfd', 'edsr_x4.py')
    assert found['teacher'] == osp.join(mmkd, 'configs', 'edsr',
                                        'edsr_x4c32b8_1xb8-4k_sr-demo.py')
    _train(python, osp.join(mmkd, 'tools'), folder)
    # the wheel's start-up hook: mmagic imports without mmkd_ext (extract and infer are
    # the same code as in the editable test)
    _run(python, ['-c', "import sys, mmagic.models; assert 'mmkd_ext' not in sys.modules"],
         folder)
