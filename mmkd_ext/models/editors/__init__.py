from .rcan_net import RCANNet

__all__ = ['RCANNet']
