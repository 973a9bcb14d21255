# The classification studies' protocol for LSQ quantization-aware training
# (resnet8-lsq8bit_1xb64-100_*): the 10k-subset teacher as the full-precision model, 4
# epochs of the first 10,000 training images (4 x 157 = 628 iterations at batch 64), where the QAT
# budget curve flattens (README.md). No KD: the baseline of
# kd_resnet8_resnet8-lsq8bit_1xb64-628_fashion-mnist10k-3c.py.
_base_ = './resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py'
float_checkpoint = 'checkpoints/kd/resnet8_1xb64-16k_fashion-mnist10k-3c.pth'
model = dict(float_checkpoint=float_checkpoint)
train_dataloader = dict(dataset=dict(indices=10000))
max_epochs = 4
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = dict(T_max=max_epochs * 157)  # 157 iterations an epoch (10,000 / 64)
