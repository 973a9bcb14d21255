"""Where the shipped configs and tools are, whatever the install."""
import os.path as osp

__all__ = ['PACKAGE_DIR', 'project_root']

PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def project_root() -> str:
    """The folder holding the shipped ``configs/`` and ``tools/``: the checkout after an
    editable install (``mmkd_ext/.mim`` links into it), ``mmkd_ext/.mim`` in a wheel."""
    configs = osp.join(PACKAGE_DIR, '.mim', 'configs')
    if osp.isdir(configs):
        return osp.dirname(osp.realpath(configs))
    return osp.dirname(PACKAGE_DIR)
