# The teacher of the KD orthogonality study, for configs that add it to a student config:
#   _base_ = ['./<student config>.py', '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py']
#   model = dict(_delete_=True, type='LogitKD', student={{_base_.model}},
#                teacher={{_base_.teacher}}, teacher_ckpt={{_base_.teacher_ckpt}})
# Train it with configs/kd/resnet8_1xb64-1k_fashion-mnist-3c.py (see there).
teacher = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=3, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
teacher_ckpt = 'checkpoints/kd/resnet8_1xb64-1k_fashion-mnist-3c.pth'
