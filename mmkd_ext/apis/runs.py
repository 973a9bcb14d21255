"""Trainings and tests in child processes, as the study tools and the demo run them: one
``tools/train.py`` / ``tools/test.py`` process per run, its full log in the work dir, its
iterations reported to a :class:`~mmkd_ext.apis.progress.Progress` line.

A finished training is not repeated (``done.json`` in its work dir) and an interrupted one
resumes from its last checkpoint.
"""
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, Optional, Sequence

from .paths import project_root
from .progress import PROGRESS_FILE_VARIABLE, Progress, read_progress_file

__all__ = ['train_in_subprocess', 'test_in_subprocess', 'last_checkpoint']

DONE_FILE = 'done.json'


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint mmengine names in ``work_dir/last_checkpoint``."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def _tool(name: str) -> str:
    return osp.join(project_root(), 'tools', name)


def train_in_subprocess(config: str,
                        work_dir: str,
                        cfg_options: Sequence[str] = (),
                        label: Optional[str] = None,
                        progress: Optional[Progress] = None,
                        env: Optional[Dict[str, str]] = None,
                        finish: bool = True) -> Optional[float]:
    """Train ``config`` into ``work_dir`` with ``tools/train.py`` in a child process.

    Args:
        config (str): Config path (relative paths from the working directory).
        work_dir (str): The run's work dir; its ``train.out`` gets the full log.
        cfg_options (Sequence[str]): ``key=value`` overrides for ``--cfg-options``.
        label (str, optional): The run's name on the progress line. Defaults to the
            work dir's name.
        progress (Progress, optional): Where the iterations are reported.
        env (dict, optional): Extra environment variables of the child.
        finish (bool): Close the run on ``progress`` here (a failure always does). False
            lets the caller close it with a note of its own. Defaults to True.

    Returns:
        float or None: Training seconds (of the run that finished it, or recorded by an
        earlier call), None when the training failed (``train.out`` says why).
    """
    label = label or osp.basename(osp.normpath(work_dir))
    done = osp.join(work_dir, DONE_FILE)
    if progress is not None:
        progress.start_run(label)
    if osp.exists(done):
        with open(done) as f:
            seconds = json.load(f)['seconds']
        if progress is not None and finish:
            progress.finish_run(label, note='trained before')
        return seconds
    os.makedirs(work_dir, exist_ok=True)
    cmd = [sys.executable, _tool('train.py'), config, '--work-dir', work_dir]
    if cfg_options:
        cmd += ['--cfg-options', *cfg_options]
    if osp.exists(osp.join(work_dir, 'last_checkpoint')):
        cmd.append('--resume')
    progress_file = osp.abspath(osp.join(work_dir, 'progress.json'))
    child_env = dict(os.environ, **(env or {}), **{PROGRESS_FILE_VARIABLE: progress_file})
    start = time.time()
    with open(osp.join(work_dir, 'train.out'), 'a') as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=child_env)
        while True:
            try:
                proc.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                state = read_progress_file(progress_file)
                if progress is not None and state:
                    progress.update(label, state['iter'], state['max_iters'])
    seconds = round(time.time() - start, 1)
    if proc.returncode != 0:
        if progress is not None:
            progress.finish_run(label, ok=False, note=f'exit code {proc.returncode}; see '
                                f'{osp.join(work_dir, "train.out")}')
        return None
    with open(done, 'w') as f:
        json.dump({'seconds': seconds}, f)
    if progress is not None and finish:
        progress.finish_run(label)
    return seconds


def test_in_subprocess(config: str,
                       checkpoint: str,
                       work_dir: str,
                       cfg_options: Sequence[str] = ()) -> dict:
    """Evaluate ``checkpoint`` with ``tools/test.py`` (log in ``work_dir/test.out``); the
    metrics, cached in ``work_dir/test_metrics.json``. Raises RuntimeError naming the log
    when the test fails."""
    out = osp.join(work_dir, 'test_metrics.json')
    if not osp.exists(out):
        os.makedirs(work_dir, exist_ok=True)
        cmd = [sys.executable, _tool('test.py'), config, checkpoint, '--work-dir', work_dir,
               '--out', out]
        if cfg_options:
            cmd += ['--cfg-options', *cfg_options]
        log_path = osp.join(work_dir, 'test.out')
        with open(log_path, 'a') as log:
            code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
        if code != 0 or not osp.exists(out):
            raise RuntimeError(f'testing {checkpoint} with {config} failed (exit code {code}); '
                               f'see {log_path}')
    with open(out) as f:
        return json.load(f)
