# The FEED study's networks at their plateau: ResNet-8 (width 8) on the first 10,000
# Fashion-MNIST training images (about 1,000 per class), 16k iterations (102 epochs) of SGD
# with cosine decay, validated on the 10,000 test images every 2k. The teachers (seeds
# 100 / 101 / 102, shipped in checkpoints/feed/) and the student alone (seeds 0 / 1 / 2).
# On this subset another doubling adds nothing (32k: 90.65 against 90.70 at 16k, seed 0);
# on the full set it still adds 0.62 (resnet8-w8_1xb64-16k_fashion-mnist.py, README.md).
_base_ = './resnet8-w8_1xb64-16k_fashion-mnist.py'

train_dataloader = dict(dataset=dict(indices=10000))
