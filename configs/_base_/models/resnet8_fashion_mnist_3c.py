# CIFAR ResNet-8 (16/32/64 channels, 78k parameters) for Fashion-MNIST with 3-channel
# inputs (datasets/fashion_mnist_3c.py): the teacher of the KD orthogonality study and the
# network that is pruned or quantized there. resnet20_fashion_mnist.py at depth 8.
_base_ = './resnet20_fashion_mnist.py'
model = dict(backbone=dict(depth=8, in_channels=3))
