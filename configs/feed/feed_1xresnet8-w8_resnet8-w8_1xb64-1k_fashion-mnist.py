# pFEED with K = 1 on Fashion-MNIST: ResNet-8 (width 8) student, one teacher of the same
# architecture (seed 100 of resnet8-w8_1xb64-1k_fashion-mnist.py), one FEED translator, the
# factor loss. Also the first generation of sequential FEED (tools/feed_sequential.py).
_base_ = [
    '../_base_/models/resnet8_w8_fashion_mnist.py', '../_base_/datasets/fashion_mnist_inmem.py',
    '../_base_/schedules/cls_sgd_1k.py'
]
resnet8_w8 = {{_base_.model}}
model = dict(
    _delete_=True,
    type='FEED',
    student=resnet8_w8,
    teachers=dict(t100=resnet8_w8),
    teacher_ckpts=dict(t100='checkpoints/feed/resnet8-w8_1xb64-1k_fashion-mnist_seed100.pth'),
    translator=dict(type='FEEDTranslator', num_layers=3, negative_slope=0.1),
    # beta at the scale of a mean over the feature's entries (Factor Transfer's code)
    feat_loss=dict(type='FactorTransferLoss', reduction='element'),
    feat_weight=1000.0,
    average_teachers=True,  # beta / K per teacher: the feature weight does not grow with K
    probe_shape=(1, 28, 28))
train_dataloader = dict(batch_size=64)
# each teacher's top-1 once, in the first validation's log line (teacher/<name>/accuracy/top1)
custom_hooks = [dict(type='TeacherValidationHook')]
