# pFEED with K = 1 on CIFAR-100 (and the first generation of sequential FEED): ResNet-56
# student, a ResNet-56 teacher trained with resnet56_1xb128-78k_cifar100.py (seed 100).
_base_ = [
    '../_base_/models/resnet56_cifar100.py', '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/cifar_sgd_78k.py'
]
resnet56 = {{_base_.model}}
model = dict(
    _delete_=True,
    type='FEED',
    student=resnet56,
    teachers=dict(t100=resnet56),
    teacher_ckpts=dict(t100='checkpoints/feed/resnet56_1xb128-78k_cifar100_seed100.pth'),
    translator=dict(type='FEEDTranslator', num_layers=3, negative_slope=0.1),
    # beta at the scale of a mean over the feature's entries (Factor Transfer's code)
    feat_loss=dict(type='FactorTransferLoss', reduction='element'),
    feat_weight=1000.0,
    average_teachers=True,  # beta / K per teacher: the feature weight does not grow with K
    probe_shape=(3, 32, 32))
# each teacher's top-1 once, in the first validation's log line (teacher/<name>/accuracy/top1)
custom_hooks = [dict(type='TeacherValidationHook')]
