# ResNet-20 on Fashion-MNIST: the teachers (one run per seed) and the student-alone baseline.
#   python tools/train.py configs/feed/resnet20_1xb128-2k_fashion-mnist.py \
#       --cfg-options randomness.seed=100
_base_ = [
    '../_base_/models/resnet20_fashion_mnist.py', '../_base_/datasets/fashion_mnist.py',
    '../_base_/schedules/cls_sgd_2k.py'
]
