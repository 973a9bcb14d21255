"""Version shims: the 2023 OpenMMLab releases on current numpy, torch and setuptools.

mmengine 0.10.7, mmcv 2.1.0, mmpretrain 1.2.0, mmagic 1.2.0 and MMRazor 1.0.0 were released
for numpy 1.x and torch 1.x/2.0. One module per upstream package adapted; every shim is
idempotent and a no-op where the upstream attribute already exists. :func:`apply` runs at
``import mmkd_ext``, except the MMRazor QAT repair, which runs when the first quantizer is
built. The weights-only checkpoint allow-list is a feature, not a shim:
:mod:`mmkd_ext.checkpoint`.

==============  ==========================================  =================  ===================
shim            what it fixes                               upstream           remove when
==============  ==========================================  =================  ===================
``numpy``       ``np.bool8`` (numpy 2.0) and ``np.in1d``    mmagic 1.2.0,      both stop using
                (numpy 2.4) removed, still used             mmpretrain 1.2.0   them
``mmengine``    ``pkg_resources`` gone (setuptools >= 81)   mmengine 0.10.7    mmengine uses
                in ``pkg::`` config inheritance;                               importlib.metadata,
                DDP under ``--launcher pytorch`` on CPU                        runs DDP on CPU,
                (gloo, no ``set_device``, no                                   skips non-tensors
                ``device_ids``; the config through
                :func:`setup_cpu_distributed`); start-up
                broadcast of non-tensor ``_extra_state``
``mmpretrain``  ``mmcls`` 1.x renamed mmpretrain:           MMRazor 1.0.0      MMRazor's code and
                ``mmcls::`` configs, ``mmcls.*`` types,                        configs say
                ``import mmcls``, renamed names                                mmpretrain
                (``ClsDataSample``, ...)
``diffusers``   ``models.unet_2d_condition`` moved to       mmagic 1.2.0,      mmagic imports the
                ``models.unets`` (diffusers 0.29)           diffusers >= 0.29  new path
``torch``       torch.ao helpers removed in torch 2.x       MMRazor 1.0.0,     MMRazor supports
                that ``import mmrazor.models`` calls        torch >= 2.0       torch 2.x
                (``reverse2``, ``BackendPatternConfig``
                setters)
``mmrazor``     QAT on torch 2.x: reversed fusion           MMRazor 1.0.0,     MMRazor supports
                patterns, ``_fuse_fx(graph_module=)``,      torch >= 2.0       torch 2.x and
                ``MMArchitectureQuantDDP`` around a                            distillers around
                distiller, LSQ steps re-estimated after                        quantized students
                ``--resume``; applied when the first
                quantizer is built
==============  ==========================================  =================  ===================
"""
import importlib.util

from ..checkpoint import UnsafeCheckpointError, safe_globals, unsafe_checkpoint_error
from . import diffusers, mmengine, mmpretrain, mmrazor, numpy, torch
from .mmengine import setup_cpu_distributed
from .mmpretrain import SCOPE_ALIASES

__all__ = ['apply', 'setup_cpu_distributed', 'SCOPE_ALIASES',
           # re-exported from mmkd_ext.checkpoint for code written against the old module
           'UnsafeCheckpointError', 'safe_globals', 'unsafe_checkpoint_error']


def apply() -> None:
    """Apply every import-time shim; arrange the QAT repair for the first quantizer built.
    Safe to call more than once."""
    numpy.apply()
    mmengine.apply()
    mmpretrain.apply()
    diffusers.apply()
    if importlib.util.find_spec('mmrazor') is not None:
        torch.apply()
        mmrazor.apply()
