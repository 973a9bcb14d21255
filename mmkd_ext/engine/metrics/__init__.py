from .per_network_accuracy import PerNetworkAccuracy

__all__ = ['PerNetworkAccuracy']
