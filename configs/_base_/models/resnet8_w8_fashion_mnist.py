# A CIFAR ResNet-8 of width 8 (8/16/32 channels, about 20k parameters) for 1 x 28 x 28
# Fashion-MNIST images: the network of the CPU-scale FEED and AFD studies.
_base_ = './resnet20_fashion_mnist.py'
model = dict(backbone=dict(depth=8, base_channels=8), head=dict(in_channels=32))
