"""Checkpoint files that are either complete or absent.

mmengine 0.10.7 writes a checkpoint with ``LocalBackend.put``: ``open(path, 'wb')`` and one
``write``. A process killed during that write leaves a truncated ``iter_N.pth`` under its
final name, and ``CheckpointHook`` has already deleted the oldest kept checkpoint by then
(with ``max_keep_ckpts=1`` the only one). Here a local checkpoint is written to a hidden
temporary file in the same folder, flushed to disk and renamed over the final name:
``os.replace`` is atomic on POSIX and Windows, so readers see the old file or the new one.
Remote paths (``s3://`` ...) go to mmengine unchanged.
"""
import contextlib
import glob
import io
import os
import os.path as osp
from typing import Iterator, List, Optional

import torch
from mmengine.fileio import LocalBackend, get_file_backend
from mmengine.runner import checkpoint as mmengine_checkpoint

__all__ = ['save_checkpoint_atomic', 'write_text_atomic', 'atomic_checkpoint_writes',
           'remove_partial_writes', 'TMP_SUFFIX']

#: Suffix of the temporary files; a file with it is a write that never finished.
TMP_SUFFIX = '.partial'


def _tmp_path(path: str) -> str:
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.{os.getpid()}{TMP_SUFFIX}')


def _replace(tmp: str, path: str) -> None:
    os.replace(tmp, path)
    try:  # make the rename itself durable
        fd = os.open(osp.dirname(path) or '.', os.O_RDONLY)
    except OSError:  # a platform that cannot open folders (Windows)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes_atomic(data: bytes, path: str) -> None:
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = _tmp_path(path)
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def save_checkpoint_atomic(checkpoint: dict, filename: str,
                           file_client_args: Optional[dict] = None,
                           backend_args: Optional[dict] = None) -> None:
    """``mmengine.runner.checkpoint.save_checkpoint`` that never leaves a partial file.

    Same arguments as mmengine's. A local ``filename`` is serialised in memory (as mmengine
    does), written to ``.<name>.<pid>.partial`` beside it, fsynced and renamed.
    """
    if file_client_args is None and isinstance(
            get_file_backend(filename, backend_args=backend_args), LocalBackend):
        with io.BytesIO() as buffer:
            torch.save(checkpoint, buffer)
            _write_bytes_atomic(buffer.getvalue(), osp.expanduser(filename))
        return
    mmengine_checkpoint.save_checkpoint(checkpoint, filename, file_client_args, backend_args)


def write_text_atomic(text: str, path: str) -> None:
    """Replace the text file ``path`` (e.g. ``last_checkpoint``) in one step."""
    _write_bytes_atomic(text.encode('utf-8'), path)


@contextlib.contextmanager
def atomic_checkpoint_writes() -> Iterator[None]:
    """Within the block, ``Runner.save_checkpoint`` writes through
    :func:`save_checkpoint_atomic`.

    ``Runner.save_checkpoint`` builds the checkpoint (weights, optimizers, schedulers,
    message hub, ``before_save_checkpoint`` hooks) and hands it to the module-level
    ``save_checkpoint`` of ``mmengine.runner.runner``; only that last call is swapped.
    """
    from mmengine.runner import runner as runner_module
    original = runner_module.save_checkpoint
    runner_module.save_checkpoint = save_checkpoint_atomic
    try:
        yield
    finally:
        runner_module.save_checkpoint = original


def remove_partial_writes(folder: str) -> List[str]:
    """Delete the temporary files of writes that were interrupted; returns their paths."""
    removed = []
    for path in glob.glob(osp.join(glob.escape(folder), f'.*{TMP_SUFFIX}')):
        with contextlib.suppress(OSError):
            os.remove(path)
            removed.append(path)
    return removed
