"""torch 2.x removed torch.ao helpers that MMRazor 1.0.0 calls when it is imported."""

__all__ = ['apply']


def apply() -> None:
    """MMRazor 1.0.0 builds torch.ao quantization backend configs at import time with
    helpers that torch 2.x removed (``reverse2``, ``reverse3``, ``reverse_sequential_wrapper2``
    in ``fuser_method_mappings``; ``BackendPatternConfig._set_overwrite_output_*`` and
    ``_set_input_output_observed``), so ``import mmrazor.models`` fails with "torch>=1.13 is
    not installed properly". These restore the import; they carry the torch 1.13 semantics.
    What quantization-aware training needs beyond the import is in
    :mod:`mmkd_ext.compat.mmrazor`. Remove when MMRazor supports torch 2.x."""
    import torch.ao.quantization.backend_config.utils  # noqa: F401  (used as an attribute)
    import torch.ao.quantization.fuser_method_mappings as fmm
    from torch.ao.quantization.backend_config import BackendPatternConfig

    if not hasattr(fmm, 'reverse2'):

        def reverse_sequential_wrapper2(sequential):
            return lambda is_qat, x, y: sequential(x, y)

        def reverse2(f):
            return lambda is_qat, x, y: f(is_qat, y, x)

        def reverse3(f):
            return lambda is_qat, x, w: f(is_qat, w[1], w[0], x)

        fmm.reverse_sequential_wrapper2 = reverse_sequential_wrapper2
        fmm.reverse2 = reverse2
        fmm.reverse3 = reverse3

    for name in ('_set_overwrite_output_fake_quantize', '_set_overwrite_output_observer',
                 '_set_input_output_observed'):
        if not hasattr(BackendPatternConfig, name):

            def setter(self, value, _attr='_mmkd' + name[4:]):
                setattr(self, _attr, value)
                return self

            setattr(BackendPatternConfig, name, setter)
