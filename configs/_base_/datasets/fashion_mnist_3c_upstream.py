# The study's data and evaluation (as in fashion_mnist_3c.py) for configs whose first base
# is an upstream recipe (MMRazor's pruning and QAT configs inherit ImageNet settings from
# mmcls::). Inheriting both directly is refused (the same keys in two bases), so this file
# names its settings `fm3c_*`, each carrying `_delete_=True` to replace the upstream value:
#   _base_ = ['mmrazor::...', '../_base_/datasets/fashion_mnist_3c_upstream.py']
#   train_dataloader = _base_.fm3c_train_dataloader
fm3c_data_preprocessor = dict(
    _delete_=True, type='mmpretrain.ClsDataPreprocessor', num_classes=10,
    mean=[72.94] * 3, std=[90.02] * 3)  # 3 entries: the gray channel broadcast to 3
fm3c_dataset = dict(
    type='mmpretrain.FashionMNIST', data_root='data/fashion_mnist', data_prefix='raw',
    download=False)
fm3c_train_dataloader = dict(
    _delete_=True,
    batch_size=64,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        **fm3c_dataset,
        split='train',
        pipeline=[
            dict(type='mmpretrain.RandomCrop', crop_size=28, padding=2),
            dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='mmpretrain.PackInputs'),
        ]))
fm3c_val_dataloader = dict(
    _delete_=True,
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **fm3c_dataset, split='test', test_mode=True,
        pipeline=[dict(type='mmpretrain.PackInputs')]))
fm3c_evaluator = dict(_delete_=True, type='mmpretrain.Accuracy', topk=(1, ))
