"""mmagic's image loader with an error that names the file it cannot decode, or a skip."""
import logging
from typing import Optional

import numpy as np
from mmagic.datasets.transforms import LoadImageFromFile as MMagicLoadImageFromFile
from mmengine.logging import print_log

from mmkd_ext.registry import TRANSFORMS

__all__ = ['LoadImageFromFile']

ON_ERROR = ('raise', 'skip')


@TRANSFORMS.register_module()
class LoadImageFromFile(MMagicLoadImageFromFile):
    """``mmagic.LoadImageFromFile`` that fails clearly on a corrupt or truncated file.

    mmagic 1.2 passes the ``None`` that the decoder returns for an undecodable file on to
    ``img.ndim`` (``AttributeError: 'NoneType' object has no attribute 'ndim'``); this
    raises ``ValueError`` naming the file instead, or skips the sample.

    Args:
        on_error (str): What an undecodable file does: ``'raise'`` (default) a
            ``ValueError`` naming it; ``'skip'`` logs a warning naming it (once per file)
            and drops the sample: mmengine's training datasets then load another random
            sample in its place (at most ``max_refetch`` times); test-mode datasets
            (validation, testing) refuse a dropped sample, so use it for training data.
            A missing file always raises.
        **others: mmagic's arguments.
    """

    def __init__(self, key: str, on_error: str = 'raise', color_type: str = 'color',
                 channel_order: str = 'bgr', imdecode_backend: Optional[str] = None,
                 use_cache: bool = False, to_float32: bool = False, to_y_channel: bool = False,
                 save_original_img: bool = False, backend_args: Optional[dict] = None):
        if on_error not in ON_ERROR:
            raise ValueError(f'LoadImageFromFile: on_error must be one of {ON_ERROR}, '
                             f'got {on_error!r}')
        super().__init__(key, color_type=color_type, channel_order=channel_order,
                         imdecode_backend=imdecode_backend, use_cache=use_cache,
                         to_float32=to_float32, to_y_channel=to_y_channel,
                         save_original_img=save_original_img, backend_args=backend_args)
        self.on_error = on_error
        self._skipped = set()

    def transform(self, results: dict) -> Optional[dict]:
        try:
            return super().transform(results)
        except _UndecodableImage as error:
            if self.on_error == 'raise':
                raise ValueError(str(error)) from error.__cause__
            if error.filename not in self._skipped:
                self._skipped.add(error.filename)
                print_log(f'skipping {error.filename!r} (on_error=\'skip\'): {error}',
                          logger='current', level=logging.WARNING)
            return None

    def _load_image(self, filename):
        try:
            img = super()._load_image(filename)
        except OSError:  # a missing file: the backend's message names it
            raise
        except Exception as error:  # the decoder failing on a truncated file
            raise _UndecodableImage(filename, f'cannot decode image {filename!r}: '
                                    f'{error}') from error
        if not isinstance(img, np.ndarray) or img.size == 0:
            raise _UndecodableImage(filename, f'cannot decode image {filename!r}: the file '
                                    'is corrupt, truncated or not an image')
        return img

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f', on_error={self.on_error!r})'


class _UndecodableImage(Exception):

    def __init__(self, filename: str, message: str):
        super().__init__(message)
        self.filename = filename
