"""mmagic's image loader with an error that names the file it cannot decode."""
import numpy as np
from mmagic.datasets.transforms import LoadImageFromFile as MMagicLoadImageFromFile

from mmkd_ext.registry import TRANSFORMS

__all__ = ['LoadImageFromFile']


@TRANSFORMS.register_module()
class LoadImageFromFile(MMagicLoadImageFromFile):
    """``mmagic.LoadImageFromFile`` that fails clearly on a corrupt or truncated file.

    mmagic 1.2 passes the ``None`` that the decoder returns for an undecodable file on to
    ``img.ndim`` (``AttributeError: 'NoneType' object has no attribute 'ndim'``); this
    raises ``ValueError`` naming the file instead. Arguments are mmagic's.
    """

    def _load_image(self, filename):
        try:
            img = super()._load_image(filename)
        except OSError:  # a missing file: the backend's message names it
            raise
        except Exception as error:  # the decoder failing on a truncated file
            raise ValueError(f'cannot decode image {filename!r}: {error}') from error
        if not isinstance(img, np.ndarray) or img.size == 0:
            raise ValueError(f'cannot decode image {filename!r}: the file is corrupt, '
                             'truncated or not an image')
        return img
