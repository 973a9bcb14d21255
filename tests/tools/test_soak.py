"""tools/analysis/soak.py: a short soak of a tiny config, and ``--summary`` of a soak JSON
(the warmup stored in it, valid JSON when a slope is undefined)."""
import json

import pytest

from mmkd_ext.apis.analysis.soak import slope, summarise
from tests.tools._tiny_sr import (
    distill_model,
    make_sr_data,
    run_tool_in_process,
    sr_config,
    write_config,
)


def _strict(text: str) -> dict:
    """JSON as the standard has it: NaN and Infinity are not JSON."""
    def refuse(name):
        raise ValueError(f'{name} is not JSON')
    return json.loads(text, parse_constant=refuse)


def _samples(n: int = 10, every: int = 10) -> list:
    # main grows 2 MiB per 10 iterations after iteration 50, total stays flat
    return [dict(iter=i, seconds=i / 10, main=100.0 + 0.2 * max(0, i - 50), total=300.0,
                 workers=0) for i in range(every, every * n + 1, every)]


def test_summary_uses_the_warmup_stored_in_the_json(tmp_path, capsys):
    path = tmp_path / 'soak.json'
    samples = _samples()
    path.write_text(json.dumps(dict(summary=dict(config='c.py', iters=100, every=10,
                                                  seconds=5, **summarise(samples, 50)),
                                    samples=samples)))
    summary = run_tool_in_process('analysis/soak.py', str(path), '--summary')
    printed = _strict(capsys.readouterr().out)
    assert printed == summary and summary['warmup'] == 50 and summary['config'] == 'c.py'
    assert summary['main_slope_mib_per_1k'] == pytest.approx(200.0)  # 0.2 MiB per iteration
    assert summary['total_slope_mib_per_1k'] == 0
    # another warmup on the command line wins
    assert run_tool_in_process('analysis/soak.py', str(path), '--summary', '--warmup',
                               '0')['warmup'] == 0


def test_undefined_slopes_are_null_not_nan(tmp_path, capsys):
    path = tmp_path / 'soak.json'
    samples = _samples(n=3)
    # written by an older version: NaN slopes in the stored summary
    path.write_text(json.dumps(dict(summary=dict(warmup=500, main_slope_mib_per_1k=float('nan')),
                                    samples=samples)))
    summary = run_tool_in_process('analysis/soak.py', str(path), '--summary')
    printed = _strict(capsys.readouterr().out)
    assert printed['main_slope_mib_per_1k'] is None
    assert summary['total_slope_last_half_mib_per_1k'] is None
    assert slope([(1, 2.0)]) is None and slope([(1, 2.0), (1, 3.0)]) is None


def test_short_soak_of_a_tiny_config(tmp_path, capsys):
    cfg = sr_config(distill_model(None), make_sr_data(str(tmp_path / 'data'), num=2))
    config = write_config(str(tmp_path / 'cfg.py'), cfg)
    summary = run_tool_in_process('analysis/soak.py', config, '--iters', '4', '--every', '1',
                                  '--warmup', '1', '--val-interval', '4', '--work-dir',
                                  str(tmp_path / 'w'))
    captured = capsys.readouterr()
    saved = _strict((tmp_path / 'w' / 'soak.json').read_text())
    assert saved['summary'] == summary and [s['iter'] for s in saved['samples']] == [1, 2, 3, 4]
    assert summary['iters'] == 4 and summary['main_slope_mib_per_1k'] is not None
    assert 'cfg done' in captured.err and '1/1 runs' in captured.err
    assert 'Iter(train)' in (tmp_path / 'w' / 'soak.out').read_text()
    assert 'Iter(train)' not in captured.out + captured.err
