"""mmkd_ext: knowledge distillation methods for mmagic, mmpretrain and MMRazor.

mmcv is deliberately absent from ``install_requires``: the only mmcv release that mmagic
1.2 and MMRazor 1.0 both accept (2.1.0) has to be compiled against the installed torch,
which an isolated pip build cannot do. ``tools/install.sh`` (``make install``) installs it.
"""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))
MIM_FILES = ('configs', 'tools', 'model-index.yml')


class BuildWithMim(build_py):
    """Copy ``configs/``, ``tools/`` and ``model-index.yml`` into ``mmkd_ext/.mim`` of the built package.

    This is where OpenMMLab packages keep their configs inside a wheel, so that
    ``_base_ = 'mmkd_ext::lsfd/edsr_x4.py'`` resolves after a non-editable install.
    An editable install resolves the same paths through ``mmkd_ext/.mim`` links made
    by :func:`link_mim_files` instead.
    """

    def run(self):
        super().run()
        mim = osp.join(self.build_lib, 'mmkd_ext', '.mim')
        for name in MIM_FILES:
            dst = osp.join(mim, name)
            if osp.lexists(dst):
                shutil.rmtree(dst) if osp.isdir(dst) and not osp.islink(dst) else os.remove(dst)
            src = osp.join(HERE, name)
            if osp.isdir(src):
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
            else:
                shutil.copyfile(src, dst)


def link_mim_files():
    """Make ``mmkd_ext/.mim/{configs,tools}`` point at the source tree (editable installs)."""
    mim = osp.join(HERE, 'mmkd_ext', '.mim')
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        dst = osp.join(mim, name)
        if not osp.lexists(dst):
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
