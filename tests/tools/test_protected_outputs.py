"""No tool overwrites the files that ship with the package (``checkpoints/``, ``configs/``,
``docs/results/``) or a git-tracked file unless ``--force`` is given; each stops before any
work, naming the file."""
import os
import os.path as osp
import subprocess

import numpy as np
import pytest
from PIL import Image

from mmkd_ext.apis.paths import protected_output
from tests.tools._tiny_sr import REPO, run_tool_in_process

SHIPPED_CKPT = osp.join(REPO, 'checkpoints', 'kd', 'resnet8_1xb64-1k_fashion-mnist-3c.pth')
SHIPPED_RESULT = osp.join(REPO, 'docs', 'results', 'sgn', 'sgn_cpu_mix_grid.png')
FEED_1X = osp.join(REPO, 'configs', 'feed',
                   'feed_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py')
SGN = osp.join(REPO, 'configs', 'sgn',
               'sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo.py')


def _image(tmp_path) -> str:
    path = str(tmp_path / 'photo.png')
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(path)
    return path


def _cases(tmp_path):
    """(tool, argv, the protected file it would write)."""
    return [
        ('model_converters/extract_student.py', ['in.pth', SHIPPED_CKPT], SHIPPED_CKPT),
        ('sgn_mix.py', [SGN, 'c.pth', _image(tmp_path), '--grid', '--out', SHIPPED_RESULT],
         SHIPPED_RESULT),
        ('sr_infer.py', ['c.py', 'c.pth', _image(tmp_path), '--out',
                         osp.join(REPO, 'docs', 'results')],
         osp.join(REPO, 'docs', 'results', 'photo.png')),
        ('feed_sequential.py', [FEED_1X, '--generations', '1', '--work-dir',
                                osp.join(REPO, 'checkpoints', 'feed')],
         osp.join(REPO, 'checkpoints', 'feed', 'chain.json')),
        ('test.py', ['c.py', 'c.pth', '--out', osp.join(REPO, 'README.md')],
         osp.join(REPO, 'README.md')),
        ('analysis/kd_variance.py', ['a.py:b.py', '--out', osp.join(REPO, 'configs',
                                                                      'kd', 'r.json')],
         osp.join(REPO, 'configs', 'kd', 'r.json')),
    ]


@pytest.mark.parametrize('index', range(6), ids=['extract_student', 'sgn_mix', 'sr_infer',
                                                 'feed_sequential', 'test', 'kd_variance'])
def test_tool_refuses_a_shipped_output(tmp_path, index):
    tool, argv, target = _cases(tmp_path)[index]
    before = osp.getmtime(target) if osp.exists(target) else None
    with pytest.raises(SystemExit) as stop:
        run_tool_in_process(tool, *argv)
    message = str(stop.value.code)
    assert 'refusing to write' in message and osp.basename(target) in message, message
    assert '--force' in message
    assert (osp.getmtime(target) if osp.exists(target) else None) == before


def test_git_tracked_files_anywhere_and_force(tmp_path):
    """A file tracked by the user's own repository is protected too; --force lets the tool
    go on (here to its next check: the input checkpoint does not exist)."""
    repo = tmp_path / 'project'
    repo.mkdir()
    (repo / 'student.pth').write_bytes(b'mine')
    (repo / 'new.pth').write_bytes(b'untracked')
    env = dict(os.environ, GIT_AUTHOR_NAME='u', GIT_AUTHOR_EMAIL='u@x', GIT_COMMITTER_NAME='u',
               GIT_COMMITTER_EMAIL='u@x')
    for cmd in (['init', '-q'], ['add', 'student.pth'], ['commit', '-qm', 'x']):
        subprocess.run(['git', *cmd], cwd=repo, check=True, env=env)
    assert 'tracked by git' in protected_output(str(repo / 'student.pth'))
    assert protected_output(str(repo / 'new.pth')) is None
    assert protected_output(str(tmp_path / 'elsewhere.pth')) is None
    with pytest.raises(SystemExit, match='refusing to write .*student.pth: it is a file tracked'):
        run_tool_in_process('model_converters/extract_student.py', 'in.pth',
                            str(repo / 'student.pth'))
    with pytest.raises(SystemExit, match="checkpoint 'in.pth' does not exist"):
        run_tool_in_process('model_converters/extract_student.py', 'in.pth',
                            str(repo / 'student.pth'), '--force')
    assert (repo / 'student.pth').read_bytes() == b'mine'
