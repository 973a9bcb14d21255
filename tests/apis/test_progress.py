"""mmkd_ext.apis.progress: the progress line of the study and benchmark tools, and the hook
that reports a training's iterations."""
import io
import json

import pytest

from mmkd_ext.apis import progress as progress_module
from mmkd_ext.apis.progress import Progress, ProgressHook, format_seconds, read_progress_file
from mmkd_ext.benchmark import interleaved_medians


class Terminal(io.StringIO):

    def isatty(self):
        return True


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(progress_module.time, 'time', fake.time)
    return fake


def test_format_seconds():
    assert [format_seconds(s) for s in (0, 75, 3725, None, float('nan'))] == \
        ['0:00', '1:15', '1:02:05', '?', '?']


def test_line_and_eta_on_a_terminal(clock):
    out = Terminal()
    bar = Progress(3, stream=out, interval=0)
    bar.start_run('a seed 0')
    clock.now += 10
    bar.update('a seed 0', 25, 100)  # 2.5 it/s: 30 s left for this run
    assert bar.eta() == pytest.approx(30 + 2 * 40)  # two runs of 40 s still to start
    assert bar.status() == ('[0/3 runs] a seed 0 25/100 (25%) | elapsed 0:10 | eta 1:50')
    assert out.getvalue().split('\r')[-1].rstrip() == bar.status()
    clock.now += 30
    bar.finish_run('a seed 0', note='PSNR 27.1')
    assert '[1/3] a seed 0 done in 0:40: PSNR 27.1\n' in out.getvalue()
    assert bar.eta() == pytest.approx(80)  # two runs at the mean of the finished one
    bar.start_run('a seed 1')
    bar.finish_run('a seed 1', ok=False, note='see train.out')
    text = bar.close('work dirs under w')
    assert text == '2/3 runs in 0:40, 1 failed: a seed 1; work dirs under w'


def test_elsewhere_one_line_per_run_and_no_rewriting(clock):
    out = io.StringIO()
    bar = Progress(2, stream=out)
    bar.start_run('r')
    bar.update('r', 5, 10)
    bar.finish_run('r')
    bar.close()
    assert '\r' not in out.getvalue()
    assert out.getvalue().splitlines() == ['[1/2] r done in 0:00', '1/2 runs in 0:00']


def test_transient_leaves_nothing_behind():
    out = Terminal()
    bar = Progress(1, 'timings', stream=out, interval=0, transient=True)
    bar.update('steps', 1, 4)
    bar.finish_run('steps')
    assert bar.close() == ''
    assert out.getvalue().endswith('\r') and out.getvalue().split('\r')[-2].strip() == ''


def test_progress_hook_reports_to_callback_and_file(tmp_path, tiny_runner):
    seen = []
    path = str(tmp_path / 'progress.json')
    runner = tiny_runner(tmp_path / 'run', max_iters=3)
    runner.register_hook(ProgressHook(callback=lambda i, n: seen.append((i, n)), path=path))
    runner.train()
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3), (3, 3)]
    assert read_progress_file(path) == dict(iter=3, max_iters=3)
    assert json.loads(open(path).read()) == dict(iter=3, max_iters=3)
    assert read_progress_file(str(tmp_path / 'none.json')) is None
    with pytest.raises(ValueError, match='callback or a path'):
        ProgressHook()


def test_benchmark_rounds_follow_the_cap(monkeypatch):
    calls = []
    monkeypatch.setenv('MMKD_MAX_ITERS', '3')
    interleaved_medians({'a': lambda: calls.append(1)}, repeats=20, warmup=1)
    assert len(calls) == 1 + 3
