"""What logit KD needs to know about a student that is an upstream compression wrapper.

A student is an mmpretrain classifier or an MMRazor algorithm around one (``architecture``):
``ItePruneAlgorithm`` (channel pruning) or ``MMArchitectureQuant`` (quantization-aware
training). These helpers find the classifier inside, check the compression settings with
errors that name the valid choices, and turn a trained student into the deployable model
(the pruned static network, the quantized network) with its size.
"""
import copy
from typing import Dict, Optional, Tuple

from torch import nn

__all__ = [
    'classifier_of', 'is_quantized', 'is_pruned', 'check_quant_cfg', 'check_pruning_targets',
    'deploy_model', 'model_size', 'QUANT_BITS'
]

#: Bit widths that torch's fake quantization can represent with MMRazor's 8-bit dtypes.
QUANT_BITS = tuple(range(2, 9))
_QDTYPES = ('quint8', 'qint8')
_QSCHEME_KEYS = ('qdtype', 'bit', 'is_symmetry', 'is_symmetric_range', 'averaging_constant')
_QCONFIG_KEYS = ('w_observer', 'a_observer', 'w_fake_quant', 'a_fake_quant', 'w_qscheme',
                 'a_qscheme')


def classifier_of(model: nn.Module) -> nn.Module:
    """The mmpretrain classifier inside ``model`` (itself, or its ``architecture``)."""
    seen = model
    while not hasattr(seen, 'head') and isinstance(getattr(seen, 'architecture', None),
                                                    nn.Module):
        seen = seen.architecture
    if not hasattr(seen, 'head'):
        raise TypeError(f'{type(model).__name__} is neither an mmpretrain classifier (with '
                        'a `head`) nor an MMRazor algorithm around one (`architecture`)')
    return seen


def is_quantized(model: nn.Module) -> bool:
    """An MMRazor quantization wrapper (its fake-quantized graphs are ``qmodels``)."""
    return isinstance(getattr(model, 'qmodels', None), nn.ModuleDict)


def is_pruned(model: nn.Module) -> bool:
    """An MMRazor channel-pruning wrapper (a ``ChannelMutator`` over its architecture)."""
    return hasattr(getattr(model, 'mutator', None), 'mutable_units')


def check_quant_cfg(cfg: dict) -> None:
    """Refuse quantization settings that MMRazor 1.0 cannot run, naming the valid ones.

    ``cfg`` is the config of an ``MMArchitectureQuant``; other configs pass unchecked.
    """
    if not isinstance(cfg, dict) or 'quantizer' not in cfg:
        return
    import mmrazor.models  # noqa: F401  (registers the quantizers, observers, fake quants)
    from mmrazor.registry import MODELS as RAZOR_MODELS
    quantizer = dict(cfg['quantizer'])
    name = str(quantizer.get('type', '')).split('.')[-1]
    known = sorted(k for k, v in RAZOR_MODELS.module_dict.items()
                   if k.endswith('Quantizer') and hasattr(v, 'prepare'))
    if name not in known:
        raise ValueError(f'quantizer type {quantizer.get("type")!r} is not an MMRazor '
                         f'quantizer; valid: {known}')
    modes = getattr(RAZOR_MODELS.get(name), 'support_a_modes', None)
    if not isinstance(modes, property):  # AcademicQuantizer: a per-op qconfig_mapping
        return
    qconfig = quantizer.get('global_qconfig') or {}
    missing = [k for k in _QCONFIG_KEYS if not isinstance(qconfig.get(k), dict)]
    if missing:
        raise ValueError(f'global_qconfig lacks {missing}; it needs the dicts {_QCONFIG_KEYS}')
    for who in ('w', 'a'):
        scheme = dict(qconfig[f'{who}_qscheme'])
        unknown = sorted(set(scheme) - set(_QSCHEME_KEYS))
        if unknown:
            raise ValueError(f'{who}_qscheme has unknown keys {unknown}; valid: {_QSCHEME_KEYS}')
        if scheme.get('qdtype', 'quint8') not in _QDTYPES:
            raise ValueError(f'{who}_qscheme.qdtype={scheme["qdtype"]!r} is not supported by '
                             f'MMRazor; valid: {_QDTYPES}')
        if scheme.get('bit', 8) not in QUANT_BITS:
            raise ValueError(f'{who}_qscheme.bit={scheme["bit"]!r} is not supported: MMRazor '
                             f'quantizes into 8-bit dtypes; valid: {list(QUANT_BITS)}')
        for part in ('observer', 'fake_quant'):
            type_name = str(qconfig[f'{who}_{part}'].get('type', '')).split('.')[-1]
            if type_name not in RAZOR_MODELS.module_dict:
                choices = sorted(k for k in RAZOR_MODELS.module_dict
                                 if ('Observer' if part == 'observer' else 'FakeQuant') in k)
                raise ValueError(f'{who}_{part} type {type_name!r} is not registered in '
                                 f'MMRazor; valid: {choices}')
    a_observer = str(qconfig['a_observer']['type'])
    if 'PerChannel' in a_observer and 'per_channel' not in modes.fget(None):
        supported = modes.fget(None)
        raise ValueError(f'a_observer {a_observer!r} quantizes activations per channel, '
                         f'which {name} does not support; activation modes: '
                         f'{[supported] if isinstance(supported, str) else list(supported)}')


def check_pruning_targets(model: nn.Module) -> None:
    """Every key of an ``ItePruneAlgorithm``'s ``target_pruning_ratio`` names a channel unit
    (MMRazor skips unknown keys silently) and every ratio is in (0, 1]."""
    if not is_pruned(model) or not getattr(model, 'target_pruning_ratio', None):
        return
    units = [unit.name for unit in model.mutator.mutable_units]
    unknown = sorted(set(model.target_pruning_ratio) - set(units))
    if unknown:
        raise ValueError(f'target_pruning_ratio names {unknown}, which match no channel unit '
                         f'of {type(model.architecture).__name__}; valid units: {units}')
    bad = {k: v for k, v in model.target_pruning_ratio.items()
           if isinstance(v, float) and not 0 < v <= 1}
    if bad:
        raise ValueError(f'pruning ratios are the kept fraction of channels, in (0, 1]; '
                         f'got {bad}')


def deploy_model(model: nn.Module) -> Tuple[nn.Module, Dict]:
    """The network a trained student deploys as, and what describes it.

    - pruning: the static sub-network (channels sliced by the mutator's masks) and
      ``{'fix_subnet': {unit: kept ratio}}``, which MMRazor's ``GroupFisherDeploySubModel``
      (its ``*_deploy.py`` configs) rebuilds for these weights;
    - quantization: the ``'tensor'`` graph with BatchNorm folded and the weights replaced by
      their fake-quantized values (MMRazor's ``post_process_for_deploy``), observers off;
    - anything else: the classifier itself.
    """
    if is_pruned(model):
        from mmrazor.structures.subnet.fix_subnet import _dynamic_to_static
        static = copy.deepcopy(model.architecture)
        _dynamic_to_static(static)
        choices = {k: float(v) for k, v in model.mutator.current_choices.items()}
        return static, {'fix_subnet': choices}
    if is_quantized(model):
        from torch.ao.quantization import disable_observer
        graph = copy.deepcopy(model.qmodels['tensor'])
        model.quantizer.post_process_for_deploy(
            graph, keep_w_fake_quant=True, update_weight_with_fakequant=True)
        graph.apply(disable_observer)
        graph.eval()
        return graph, {'quantizer': type(model.quantizer).__name__,
                       'w_bit': model.quantizer.qconfig.w_qscheme.bit,
                       'a_bit': model.quantizer.qconfig.a_qscheme.bit}
    return classifier_of(model), {}


def model_size(model: nn.Module, weight_bits: Optional[int] = None) -> Dict[str, float]:
    """Parameter count and storage of a deployable model.

    With ``weight_bits``, the weights of convolutions and linear layers count
    ``weight_bits`` each (plus one fp32 scale per output channel), everything else 32 bits;
    fake-quantization parameters are not counted as parameters.
    """
    params = bits = 0
    for name, module in model.named_modules():
        if 'fake_quant' in name or 'activation_post_process' in name:
            continue
        for pname, p in module.named_parameters(recurse=False):
            params += p.numel()
            quantized = (weight_bits is not None and pname == 'weight'
                         and isinstance(module, (nn.Conv2d, nn.Linear)))
            bits += (p.numel() * weight_bits + 32 * p.shape[0]) if quantized else 32 * p.numel()
    return {'params': params, 'size_kb': bits / 8 / 1024}

