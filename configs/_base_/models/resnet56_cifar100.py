# The CIFAR ResNet-56 of He et al. (16/32/64 channels, 9 blocks per stage), 100 classes:
# resnet20_fashion_mnist.py at depth 56 for 3 x 32 x 32 CIFAR images.
_base_ = './resnet20_fashion_mnist.py'
model = dict(backbone=dict(depth=56, in_channels=3), head=dict(num_classes=100))
