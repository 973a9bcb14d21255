# MMRazor's own LSQ quantization-aware training recipe (OpenVINO quantizer, 8-bit
# per-channel symmetric weights, 8-bit activations, learned step sizes) applied to the
# study's ResNet-8 teacher: MMRazor's LSQEpochBasedLoop (step sizes estimated on the
# first batch, then learned; BatchNorm statistics frozen from the second epoch) and
# QATValLoop (top-1 of the fake-quantized model as `qat.accuracy/top1`, of its float
# weights as `original.accuracy/top1`). One epoch of the first 6,400 training images =
# 100 iterations at batch 64. No KD: the baseline of kd_resnet8_resnet8-lsq8bit_*.py.
# torch 2.x needs mmkd_ext's compat shims for this recipe (configs/kd/README.md).
_base_ = [
    'mmrazor::quantization/qat/lsq/lsq_openvino_resnet18_8xb32_10e_in1k.py',
    '../_base_/datasets/fashion_mnist_3c_upstream.py',
    '../_base_/models/resnet8_fashion_mnist_3c_upstream.py'
]
default_scope = 'mmkd_ext'
# the full-precision model: resnet8_1xb64-1k_fashion-mnist-3c.py, seed 0
float_checkpoint = 'checkpoints/kd/resnet8_1xb64-1k_fashion-mnist-3c.pth'
model = dict(
    architecture=dict(_delete_=True, **_base_.fm3c_resnet8),
    data_preprocessor=_base_.fm3c_data_preprocessor,
    float_checkpoint=float_checkpoint,
    input_shapes=(1, 3, 28, 28))

train_dataloader = _base_.fm3c_train_dataloader
train_dataloader.update(
    sampler=dict(type='DefaultSampler', shuffle=True),  # epochs, as MMRazor's loop counts
    dataset=dict(_base_.fm3c_train_dataloader.dataset, indices=6400))
val_dataloader = _base_.fm3c_val_dataloader
test_dataloader = _base_.fm3c_val_dataloader
val_evaluator = _base_.fm3c_evaluator
test_evaluator = _base_.fm3c_evaluator

train_cfg = dict(max_epochs=1)
optim_wrapper = dict(optimizer=dict(lr=0.001))
param_scheduler = dict(
    _delete_=True, type='CosineAnnealingLR', by_epoch=False, T_max=100, eta_min=0)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(max_keep_ckpts=1))
