# The teacher of the KD orthogonality study and the LogitKD wrapper that adds it to a
# student config, which is the whole change from a config without KD:
#   _base_ = ['./<student config>.py', '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py']
#   model = dict(_base_.logit_kd, student=_base_.model)
# The teacher is the full-precision, unpruned model that the pruning and QAT configs start
# from; train it with configs/kd/resnet8_1xb64-1k_fashion-mnist-3c.py (see there).
teacher = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='mmkd_ext.CIFARResNet', depth=8, in_channels=3, base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
teacher_ckpt = 'checkpoints/kd/resnet8_1xb64-1k_fashion-mnist-3c.pth'
logit_kd = dict(
    _delete_=True,  # replaces the student's model dict, which becomes `student`
    type='LogitKD',
    teacher=teacher,
    teacher_ckpt=teacher_ckpt,
    temperature=4.0,
    alpha=0.9)
