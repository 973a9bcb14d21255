# Regularisation: mixup (alpha 0.2, mmpretrain's batch augment) on ResNet-8 (w8), no KD.
# With KD the teacher sees the same mixed images (the student's data preprocessor mixes).
_base_ = './resnet8-w8_1xb64-300_fashion-mnist-3c.py'
model = dict(
    head=dict(loss=dict(type='CrossEntropyLoss', loss_weight=1.0, use_soft=True)),
    train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
