# Fashion-MNIST (Xiao et al., arXiv:1708.07747): 28x28 grayscale clothes, 10 classes,
# 60k train / 10k test, from `python tools/prepare_data.py cls` (data/fashion_mnist/raw).
# Small enough for CPU runs; top-1 accuracy on the test split.
dataset_type = 'mmpretrain.FashionMNIST'
data_root = 'data/fashion_mnist'
data_preprocessor = dict(
    num_classes=10,
    # mean and std of the training pixels, one (gray) channel
    mean=[72.94],
    std=[90.02])

train_pipeline = [
    dict(type='mmpretrain.RandomCrop', crop_size=28, padding=2),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]

train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix='raw',
        split='train',
        download=False,  # a missing folder is an error, not a download from the internet
        pipeline=train_pipeline))

val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix='raw',
        split='test',
        test_mode=True,  # mmpretrain 1.2's MNIST picks the files by test_mode, not split
        download=False,
        pipeline=test_pipeline))
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
val_cfg = dict(type='ValLoop')

test_dataloader = val_dataloader
test_evaluator = val_evaluator
test_cfg = dict(type='TestLoop')
