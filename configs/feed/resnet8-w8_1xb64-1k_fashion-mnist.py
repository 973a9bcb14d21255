# ResNet-8 (width 8) on Fashion-MNIST at batch 64 for 1k iterations: the teachers of the
# CPU-scale FEED study (one run per seed) and its student-alone baseline.
#   python tools/train.py configs/feed/resnet8-w8_1xb64-1k_fashion-mnist.py \
#       --cfg-options randomness.seed=100
_base_ = [
    '../_base_/models/resnet8_w8_fashion_mnist.py', '../_base_/datasets/fashion_mnist_inmem.py',
    '../_base_/schedules/cls_sgd_1k.py'
]
train_dataloader = dict(batch_size=64)
