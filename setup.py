"""mmkd_ext: knowledge distillation methods for mmagic, mmpretrain and MMRazor.

mmcv is deliberately absent from ``install_requires``: the only mmcv release that mmagic
1.2 and MMRazor 1.0 both accept (2.1.0) has to be compiled against the installed torch,
which an isolated pip build cannot do. ``tools/install.sh`` (``make install``) installs it.

Besides the package, an install puts two things into site-packages:

- ``mmkd_ext/.mim/{configs,tools,checkpoints,model-index.yml}``, where OpenMMLab packages
  keep their configs, so that ``_base_ = 'mmkd_ext::lsfd/edsr_x4.py'`` resolves from any
  folder. A wheel holds copies; an editable install links ``mmkd_ext/.mim`` in the source
  tree to the tree's own folders (and ``mmkd_ext.compat.mmengine`` makes mmengine look
  there rather than in site-packages).
- ``mmkd_ext-startup.pth``, which Python runs at start-up: it imports the top-level
  ``_mmkd_ext_startup`` module (standard library only), which adds the numpy 2 aliases of
  ``mmkd_ext/compat/numpy.py`` when numpy is first imported, so that upstream tools run in
  this environment (``import mmagic.models``) work without ``import mmkd_ext``.
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))
MIM_FILES = ('configs', 'tools', 'checkpoints', 'model-index.yml')
STARTUP_MODULE = '_mmkd_ext_startup'
STARTUP_PTH = 'mmkd_ext-startup.pth'  # sorts after setuptools' __editable__.*.pth


class BuildWithMim(build_py):
    """Copy :data:`MIM_FILES` into ``mmkd_ext/.mim`` of the built package and write the
    start-up ``.pth`` file at the top of the install.

    A wheel gets both from ``build_lib``. An editable build (``pip install -e .``) keeps
    ``build_lib`` out of the installation: its ``.mim`` is the links made by
    :func:`link_mim_files` and the ``.pth`` goes straight into the editable wheel.
    """

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            top = self.get_finalized_command('install').install_lib
        else:
            top = self.build_lib
            mim = osp.join(self.build_lib, 'mmkd_ext', '.mim')
            for name in MIM_FILES:
                dst = osp.join(mim, name)
                if osp.lexists(dst):
                    shutil.rmtree(dst) if osp.isdir(dst) and not osp.islink(dst) else os.remove(dst)
                src = osp.join(HERE, name)
                if osp.isdir(src):
                    shutil.copytree(src, dst, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
                else:
                    os.makedirs(mim, exist_ok=True)
                    shutil.copyfile(src, dst)
        os.makedirs(top, exist_ok=True)
        with open(osp.join(top, STARTUP_PTH), 'w') as f:
            f.write(f'import {STARTUP_MODULE}; {STARTUP_MODULE}.install()\n')


def link_mim_files():
    """Make ``mmkd_ext/.mim/*`` point at the source tree (editable installs)."""
    mim = osp.join(HERE, 'mmkd_ext', '.mim')
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        dst = osp.join(mim, name)
        if not osp.lexists(dst) and osp.exists(osp.join(HERE, name)):
            os.symlink(osp.join('..', '..', name), dst)


def read_requirements(name):
    with open(osp.join(HERE, 'requirements', name)) as f:
        return [line.split('#')[0].strip() for line in f if line.split('#')[0].strip()]


link_mim_files()

setup(
    name='mmkd_ext',
    version=open(osp.join(HERE, 'mmkd_ext', 'version.py')).read().split("'")[1],
    description='Knowledge distillation methods (LSFD, FEED, AFD, SGN, KD with compression) '
                'as an OpenMMLab plugin',
    long_description=open(osp.join(HERE, 'README.md')).read() if osp.exists(
        osp.join(HERE, 'README.md')) else '',
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    py_modules=[STARTUP_MODULE],
    include_package_data=False,
    cmdclass={'build_py': BuildWithMim},
    install_requires=[
        'torch>=2.0',
        'mmengine>=0.10.7,<1.0',
        'mmpretrain>=1.2.0,<1.3',
        'mmagic>=1.2.0,<1.3',
        'numpy>=1.24',
    ],
    extras_require={
        'razor': ['mmrazor>=1.0.0,<1.1', 'joblib'],
        'tests': read_requirements('tests.txt'),
    },
    license='Apache License 2.0',
    zip_safe=False,
)
