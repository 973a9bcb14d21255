"""Progress of the study and benchmark tools: runs done, the current runs' iterations and
an estimate of the time left, on one line that rewrites itself on a terminal (one line per
finished run elsewhere, e.g. in a CI log), and a summary at the end.

A training reports its iterations through :class:`ProgressHook`: in the same process with a
callback, or, for a training in a child process, through the file named by the
``MMKD_PROGRESS_FILE`` environment variable (``tools/train.py`` registers the hook when the
variable is set; :func:`read_progress_file` reads it back).
"""
import json
import os
import sys
import threading
import time
from typing import Callable, Dict, Optional, TextIO

from mmengine.hooks import Hook

__all__ = ['Progress', 'ProgressHook', 'read_progress_file', 'format_seconds',
           'PROGRESS_FILE_VARIABLE']

PROGRESS_FILE_VARIABLE = 'MMKD_PROGRESS_FILE'


def format_seconds(seconds: Optional[float]) -> str:
    """``75`` -> ``'1:15'``, ``3725`` -> ``'1:02:05'``; ``'?'`` when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return '?'
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return (f'{hours}:' if hours else '') + (f'{rest // 60:02d}:{rest % 60:02d}' if hours
                                              else f'{rest // 60}:{rest % 60:02d}')


class _Run:

    def __init__(self, total: Optional[int]):
        self.start = time.time()
        self.iter = 0
        self.total = total

    def rate(self) -> Optional[float]:
        elapsed = time.time() - self.start
        return self.iter / elapsed if self.iter and elapsed > 0 else None


class Progress:
    """Runs done of ``total``, the iterations of the runs in progress, the time left.

    Thread-safe: several runs (``--jobs``) report at once.

    Args:
        total (int): Number of runs (or steps) in all.
        what (str): What is counted, e.g. ``'runs'``. Defaults to ``'runs'``.
        stream (TextIO, optional): Where to write. Defaults to ``sys.stderr``.
        interval (float): Least seconds between two redraws of the line. Defaults to 0.5.
        transient (bool): Only the self-rewriting line on a terminal, no line per finished
            run and no summary (for timings inside a benchmark's output). Defaults to False.
    """

    def __init__(self, total: int, what: str = 'runs', stream: Optional[TextIO] = None,
                 interval: float = 0.5, transient: bool = False):
        if total < 0:
            raise ValueError(f'total must be >= 0, got {total}')
        self.total, self.what = total, what
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.interval = interval
        self.transient = transient
        self.start = time.time()
        self.done, self.failed = 0, []
        self.run_seconds = []
        self.running: Dict[str, _Run] = {}
        self._lock = threading.Lock()
        self._drawn = 0.0
        self._width = 0

    # -- reports -------------------------------------------------------------------------
    def start_run(self, name: str, total_iters: Optional[int] = None) -> None:
        with self._lock:
            self.running[name] = _Run(total_iters)
            self._draw(force=True)

    def update(self, name: str, iteration: int, total_iters: Optional[int] = None) -> None:
        """Run ``name`` is at ``iteration`` (of ``total_iters``, when known)."""
        with self._lock:
            run = self.running.setdefault(name, _Run(total_iters))
            run.iter = iteration
            run.total = total_iters or run.total
            self._draw()

    def finish_run(self, name: str, ok: bool = True, note: str = '') -> None:
        with self._lock:
            run = self.running.pop(name, None)
            seconds = time.time() - run.start if run else None
            self.done += 1
            if ok:
                if seconds is not None:
                    self.run_seconds.append(seconds)
            else:
                self.failed.append(name)
            status = 'done' if ok else 'FAILED'
            if self.transient:
                self._clear()
                return
            self._line(f'[{self.done}/{self.total}] {name} {status} in '
                       f'{format_seconds(seconds)}' + (f': {note}' if note else ''))
            self._draw(force=True)

    def close(self, summary: str = '') -> str:
        """Clear the line and write the summary (returned)."""
        with self._lock:
            self._clear()
            if self.transient:
                return ''
            text = (f'{self.done}/{self.total} {self.what} in '
                    f'{format_seconds(time.time() - self.start)}'
                    + (f', {len(self.failed)} failed: {", ".join(self.failed)}'
                       if self.failed else '') + (f'; {summary}' if summary else ''))
            print(text, file=self.stream, flush=True)
            return text

    # -- estimate ------------------------------------------------------------------------
    def eta(self) -> Optional[float]:
        """Seconds left: the runs in progress at their own pace, the runs not started at the
        mean duration of the finished ones (or of the running ones, extrapolated)."""
        left, durations = 0.0, list(self.run_seconds)
        for run in self.running.values():
            rate = run.rate()
            if rate is None or not run.total:
                return None
            left_run = (run.total - run.iter) / rate
            left += left_run
            durations.append(time.time() - run.start + left_run)
        waiting = self.total - self.done - len(self.running)
        if waiting > 0:
            if not durations:
                return None
            left += waiting * sum(durations) / len(durations)
        return left / max(1, len(self.running))

    def status(self) -> str:
        runs = ', '.join(
            f'{name} {run.iter}/{run.total or "?"}' + (
                f' ({100 * run.iter // run.total}%)' if run.total else '')
            for name, run in self.running.items())
        return (f'[{self.done}/{self.total} {self.what}] ' + (runs or '-') +
                f' | elapsed {format_seconds(time.time() - self.start)}'
                f' | eta {format_seconds(self.eta())}')

    # -- drawing -------------------------------------------------------------------------
    def _draw(self, force: bool = False) -> None:
        if not self.tty:
            return
        now = time.time()
        if not force and now - self._drawn < self.interval:
            return
        self._drawn = now
        line = self.status()
        self.stream.write('\r' + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def _clear(self) -> None:
        if self.tty and self._width:
            self.stream.write('\r' + ' ' * self._width + '\r')
            self._width = 0

    def _line(self, text: str) -> None:
        self._clear()
        print(text, file=self.stream, flush=True)


class ProgressHook(Hook):
    """Reports the training iterations: to ``callback(iteration, max_iters)`` and/or, at most
    every ``every`` seconds and at the end, to the JSON file ``path``
    (``{"iter": i, "max_iters": n}``, replaced atomically)."""

    priority = 'VERY_LOW'

    def __init__(self, callback: Optional[Callable[[int, int], None]] = None,
                 path: Optional[str] = None, every: float = 0.5):
        if callback is None and path is None:
            raise ValueError('ProgressHook needs a callback or a path')
        self.callback, self.path, self.every = callback, path, every
        self._written = 0.0

    def _report(self, runner, iteration: int, force: bool = False) -> None:
        total = runner.max_iters
        if self.callback is not None:
            self.callback(iteration, total)
        now = time.time()
        if self.path is not None and (force or now - self._written >= self.every):
            self._written = now
            tmp = f'{self.path}.tmp'
            with open(tmp, 'w') as f:
                json.dump(dict(iter=iteration, max_iters=total), f)
            os.replace(tmp, self.path)

    def before_train(self, runner) -> None:
        self._report(runner, runner.iter, force=True)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self._report(runner, runner.iter + 1)

    def after_train(self, runner) -> None:
        self._report(runner, runner.iter, force=True)


def read_progress_file(path: str) -> Optional[dict]:
    """What :class:`ProgressHook` last wrote to ``path``, or None."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
