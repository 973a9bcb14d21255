from .sgn_mix import SGNMixer, default_mixes, mix_grid, parse_mix, tile_grid
from .sr_infer import SRInferencer, super_resolve

__all__ = ['SGNMixer', 'default_mixes', 'mix_grid', 'parse_mix', 'tile_grid',
           'SRInferencer', 'super_resolve']
