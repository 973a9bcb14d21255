from .rcan_net import RCANNet
from .sgn_generator import SGNGenerator

__all__ = ['RCANNet', 'SGNGenerator']
