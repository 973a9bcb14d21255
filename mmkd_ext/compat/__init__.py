"""Version shims: the 2023 OpenMMLab releases on current numpy, torch and setuptools.

mmengine 0.10.7, mmcv 2.1.0, mmpretrain 1.2.0, mmagic 1.2.0 and MMRazor 1.0.0 were released
for numpy 1.x and torch 1.x/2.0. One module per upstream package adapted; every shim is
idempotent and a no-op where the upstream attribute already exists. :func:`apply` runs at
``import mmkd_ext``, except the MMRazor QAT repair, which runs when the first quantizer is
built. The weights-only checkpoint allow-list is a feature, not a shim:
:mod:`mmkd_ext.checkpoint`.

=====================  ==================================================  =====================  ===================================
shim                   what it fixes                                       upstream version       remove when
=====================  ==================================================  =====================  ===================================
``numpy``              ``np.bool8`` (numpy 2.0) and ``np.in1d`` (numpy     mmagic 1.2.0,          both stop using them
                       2.4) removed; used at import / in retrieval         mmpretrain 1.2.0
                       metrics
``mmengine``           ``pkg_resources`` gone (setuptools >= 81) in        mmengine 0.10.7        mmengine uses importlib.metadata,
                       ``pkg::`` config inheritance; DDP under                                    runs DDP on CPU and skips
                       ``--launcher pytorch`` on CPU (gloo, no                                    non-tensor state
                       ``set_device``, no ``device_ids``) with
                       :func:`setup_cpu_distributed` for the config;
                       start-up broadcast of non-tensor ``_extra_state``
``mmpretrain``         ``mmcls`` (1.x) renamed mmpretrain: ``mmcls::``     MMRazor 1.0.0          MMRazor's code and configs say
                       configs, ``mmcls.*`` types, ``import mmcls`` and                           mmpretrain
                       renamed names (``ClsDataSample``, ...)
``diffusers``          ``diffusers.models.unet_2d_condition`` moved to     mmagic 1.2.0,          mmagic imports the new path
                       ``models.unets`` (diffusers 0.29)                   diffusers >= 0.29
``torch``              torch.ao helpers removed in torch 2.x that          MMRazor 1.0.0,         MMRazor supports torch 2.x
                       ``import mmrazor.models`` calls (``reverse2``,      torch >= 2.0
                       ``BackendPatternConfig._set_*``)
``mmrazor``            QAT on torch 2.x: reversed fusion patterns,         MMRazor 1.0.0,         MMRazor supports torch 2.x and
                       ``_fuse_fx(graph_module=)``, ``MMArchitecture       torch >= 2.0           distillers around quantized students
                       QuantDDP`` around a distiller, LSQ step sizes
                       re-estimated after ``--resume``; applied when a
                       quantizer is built
=====================  ==================================================  =====================  ===================================
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
