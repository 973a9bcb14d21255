"""Where the shipped configs and tools are, whatever the install, and which files the tools
must not overwrite."""
import os
import os.path as osp
import subprocess
import sys
from typing import Iterable, List, Optional

__all__ = ['write_json', 'PACKAGE_DIR', 'SHIPPED_FOLDERS', 'project_root', 'protected_output',
           'refuse_protected_outputs']

PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Folders of the project root whose files ship with the package (never written by a tool
#: unless ``--force`` is given).
SHIPPED_FOLDERS = ('checkpoints', 'configs', osp.join('docs', 'results'))


def project_root() -> str:
    """The folder holding the shipped ``configs/`` and ``tools/``: the checkout after an
    editable install (``mmkd_ext/.mim`` links into it), ``mmkd_ext/.mim`` in a wheel."""
    configs = osp.join(PACKAGE_DIR, '.mim', 'configs')
    if osp.isdir(configs):
        return osp.dirname(osp.realpath(configs))
    return osp.dirname(PACKAGE_DIR)


def _git_tracked(path: str) -> bool:
    """Whether ``path`` (an existing file) is tracked by the git repository holding it."""
    try:
        proc = subprocess.run(['git', 'ls-files', '--error-unmatch', '--', osp.basename(path)],
                              cwd=osp.dirname(path), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False  # no git: nothing is known to be tracked
    return proc.returncode == 0


def protected_output(path: str) -> Optional[str]:
    """Why a tool must not write ``path`` without ``--force``, or None: it is a file that
    git tracks, or it lies in a shipped folder of the package (``checkpoints/``,
    ``configs/``, ``docs/results/``)."""
    real = osp.realpath(path)
    root = osp.realpath(project_root())
    for folder in SHIPPED_FOLDERS:
        shipped = osp.join(root, folder)
        if real == shipped or real.startswith(shipped + os.sep):
            return (f'{path}: it is in {osp.join(folder, "")} of the package, whose files '
                    'ship with it')
    if osp.isfile(real) and _git_tracked(real):
        return f'{path}: it is a file tracked by git'
    return None


def refuse_protected_outputs(paths: Iterable[str], force: bool = False,
                             tool: str = 'error') -> None:
    """Exit with ``<tool>: ...`` naming every output of ``paths`` that :func:`protected_output`
    protects, unless ``force``; write to a work directory instead (or pass ``--force``)."""
    if force:
        return
    problems: List[str] = [p for p in map(protected_output, dict.fromkeys(paths)) if p]
    if problems:
        prefix = 'error' if tool == 'error' else f'{tool}: error'
        sys.exit('\n'.join(f'{prefix}: refusing to write {p}' for p in problems) +
                 f'\n{prefix}: write to a work directory (e.g. work_dirs/...) instead, or '
                 'pass --force to overwrite')


def write_json(path: str, obj, **kwargs) -> str:
    """``json.dump(obj)`` to ``path`` (its folder made as needed; ``kwargs`` go to
    ``json.dump``); returns ``path``."""
    import json
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, **kwargs)
    return path
