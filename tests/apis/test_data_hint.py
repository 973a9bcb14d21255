"""A demo config run from another directory: the missing-data message gives the
prepare_data.py command that fixes that run (the tool by its full path, ``--out`` the data
root the config resolved), and prepare_data.py accepts it."""
import os.path as osp
import runpy
import shlex

import pytest

from mmkd_ext.apis.prepare_data import data_hint, prepare_command
from tests.tools._tiny_sr import REPO, TOOLS, run_tool_in_process

LSFD_DEMO = osp.join(REPO, 'configs', 'lsfd', 'lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py')


def _command(message: str) -> list:
    """The command between backticks after ``run`` in ``message``."""
    return shlex.split(message.split('run `', 1)[1].split('`', 1)[0])


def test_demo_config_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        run_tool_in_process('train.py', LSFD_DEMO, '--work-dir', 'w')
    message = str(stop.value.code)
    command = _command(message)
    assert command[:3] == ['python', osp.join(REPO, 'tools', 'prepare_data.py'), 'sr']
    assert command[3:] == ['--out', str(tmp_path / 'data')]
    # what the command builds is where the config reads: <out>/sr_demo
    assert osp.join(command[4], 'sr_demo') == osp.abspath('data/sr_demo')
    # and prepare_data.py takes it as written
    tool = runpy.run_path(osp.join(TOOLS, 'prepare_data.py'), run_name='mmkd_ext_tool')
    args = tool['parse_args'](command[2:])
    assert args.dataset == 'sr' and args.out == str(tmp_path / 'data')


def test_from_the_checkout_the_short_command(monkeypatch):
    monkeypatch.chdir(REPO)
    assert prepare_command('data/sr_demo/train_hr_sub', 'sr') == 'python tools/prepare_data.py sr'
    assert 'run `python tools/prepare_data.py cls`' in data_hint('data/fashion_mnist')


@pytest.mark.parametrize('dataset, folder', [('cls', 'fashion_mnist'),
                                             ('translation', 'translation')])
def test_every_demo_set_gets_its_root(tmp_path, monkeypatch, dataset, folder):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / 'elsewhere' / 'my data'
    command = _command(data_hint(str(root / folder / 'raw')))
    assert command[2:] == [dataset, '--out', str(root)]
