# The KD-on-compression study's teacher on the studies' subset: ResNet-8 on the first 10,000
# Fashion-MNIST training images (repeated to 3 channels), 16k iterations (102 epochs) of SGD
# with cosine decay, validated on the 10,000 test images every 2k. Whether 16k is its
# plateau is read from the same config at 32k (--cfg-options train_cfg.max_iters=32000
# param_scheduler.T_max=32000).
_base_ = './resnet8_1xb64-16k_fashion-mnist-3c.py'

train_dataloader = dict(dataset=dict(indices=10000))
