# The regularisation students' network alone: CIFAR ResNet-8 of width 8 (20k parameters),
# plain cross-entropy, no KD.
_base_ = [
    '../_base_/models/resnet8_fashion_mnist_3c.py', '../_base_/datasets/fashion_mnist_3c.py',
    '../_base_/schedules/cls_sgd_300.py'
]
model = dict(backbone=dict(base_channels=8), head=dict(in_channels=32))
