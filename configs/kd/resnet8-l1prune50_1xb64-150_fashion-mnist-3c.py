# MMRazor's own L1-norm channel pruning recipe, unchanged in kind, applied to the study's
# ResNet-8 teacher: every channel unit keeps 50% of its channels (the smallest-L1 filters
# go), pruned at the first iteration, then the pruned sub-model is fine-tuned for 150
# iterations. No KD: the baseline of kd_resnet8_resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py.
# Unit names are MMRazor's (`<first layer>_(start, end)_<channels>`); under LogitKD a key that
# matches no unit stops the build with the list of the network's units (MMRazor alone skips
# such a key silently).
_base_ = [
    'mmrazor::pruning/mmcls/l1-norm/l1-norm_resnet34_8xb32_in1k_a.py',
    '../_base_/datasets/fashion_mnist_3c_upstream.py',
    '../_base_/models/resnet8_fashion_mnist_3c_upstream.py'
]
default_scope = 'mmkd_ext'
# the unpruned model: resnet8_1xb64-1k_fashion-mnist-3c.py, seed 0
float_checkpoint = 'checkpoints/kd/resnet8_1xb64-1k_fashion-mnist-3c.pth'
keep_ratio = 0.5
pruned_units = [
    'backbone.conv1_(0, 16)_16',  # stem + layer1 shortcut
    'backbone.layer1.0.conv1_(0, 16)_16',
    'backbone.layer2.0.conv1_(0, 32)_32',
    'backbone.layer2.0.conv2_(0, 32)_32',  # layer2 shortcut
    'backbone.layer3.0.conv1_(0, 64)_64',
    'backbone.layer3.0.conv2_(0, 64)_64',  # layer3 shortcut
]
model = dict(
    architecture=dict(_delete_=True, **_base_.fm3c_resnet8,
                      init_cfg=dict(type='Pretrained', checkpoint=float_checkpoint)),
    mutator_cfg=dict(
        parse_cfg=dict(
            type='ChannelAnalyzer', demo_input=(1, 3, 28, 28), tracer_type='BackwardTracer')),
    target_pruning_ratio=dict(_delete_=True, **{unit: keep_ratio for unit in pruned_units}))

data_preprocessor = _base_.fm3c_data_preprocessor
train_dataloader = _base_.fm3c_train_dataloader
val_dataloader = _base_.fm3c_val_dataloader
test_dataloader = _base_.fm3c_val_dataloader
val_evaluator = _base_.fm3c_evaluator
test_evaluator = _base_.fm3c_evaluator

max_iters = 150
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = dict(
    _delete_=True, type='CosineAnnealingLR', by_epoch=False, T_max=max_iters, eta_min=0)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(
        _delete_=True, type='CheckpointHook', by_epoch=False, interval=max_iters,
        max_keep_ckpts=1, save_last=True))
log_processor = dict(by_epoch=False, window_size=50)
