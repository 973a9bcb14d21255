"""tools/benchmarks/distill_step.py on tiny EDSRs: every variant gets a row of the table,
``--skip`` leaves its variant out (no timing asserted)."""
import os.path as osp
import runpy

import pytest

from mmkd_ext.benchmarks.distill_step import run_distill_step

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
parse_args = runpy.run_path(osp.join(REPO, 'tools', 'benchmarks', 'distill_step.py'),
                            run_name='mmkd_ext_tool')['parse_args']

TINY = ['--teacher', '8', '2', '--student', '4', '1', '--batch', '1', '--lr-size', '8',
        '--steps', '1', '--warmup', '0', '--loss-sizes', '8']


def rows(text):
    return [line.split('|')[1].strip() for line in text.splitlines()
            if line.startswith('| ') and not line.startswith('| variant')]


def test_skip_leaves_the_variant_out(capsys):
    run_distill_step(parse_args(TINY + ['--skip', 'lsfd-fast']))
    out = capsys.readouterr().out
    table = out.split('LSFD loss alone')[0]
    assert rows(table) == ['reference', 'floor', 'mmrazor-fitnet', 'fitnet', 'lsfd',
                           'lsfd-auto']
    assert 'bf16 + channels_last teacher feature' not in out
    assert '| 8x8 | 1 |' in out  # the loss-cost table still follows


def test_skip_names_only_optional_variants(capsys):
    with pytest.raises(SystemExit):
        parse_args(TINY + ['--skip', 'floor'])
    assert "invalid choice: 'floor'" in capsys.readouterr().err
