from .sgn_mix import SGNMixer, default_mixes, mix_grid, parse_mix, tile_grid

__all__ = ['SGNMixer', 'default_mixes', 'mix_grid', 'parse_mix', 'tile_grid']
