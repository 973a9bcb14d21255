"""numpy 2 removed aliases that mmagic 1.2.0 and mmpretrain 1.2.0 still use."""
import numpy as np

__all__ = ['apply']


def apply() -> None:
    """numpy 2.0 removed ``np.bool8`` (mmagic 1.2.0 ``utils/trans_utils.py`` uses it at
    import) and numpy 2.4 removed ``np.in1d`` (mmpretrain 1.2.0
    ``evaluation/metrics/retrieval.py``). Remove when both packages stop using them."""
    if not hasattr(np, 'bool8'):
        np.bool8 = np.bool_
    if not hasattr(np, 'in1d'):

        def in1d(ar1, ar2, assume_unique=False, invert=False):
            return np.isin(np.asarray(ar1).ravel(), ar2, assume_unique=assume_unique,
                           invert=invert)

        np.in1d = in1d
