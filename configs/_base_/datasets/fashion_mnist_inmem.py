# Fashion-MNIST (see fashion_mnist.py) held in memory (mmkd_ext.InMemoryClsDataset): the
# train and test images are decoded once into uint8 tensors (47 + 8 MB), each batch is
# fetched with one index and cropped (padding 2) and flipped as a whole, drawing the same
# numbers as the per-sample RandomCrop + RandomFlip (same seed and num_workers: the same
# batches). Validation and test: the same images and data preprocessor, no augmentation.
# Above max_bytes the dataset stops with an error; fashion_mnist.py is the streaming path.
_base_ = './fashion_mnist.py'

inmem_source = dict(
    type='mmpretrain.FashionMNIST',
    data_root='data/fashion_mnist',
    data_prefix='raw',
    download=False,
    pipeline=[])  # decode only: MNIST files are read into arrays, nothing to decode
inmem_max_bytes = 2 * 2**30

train_dataloader = dict(
    num_workers=0,  # a batch costs about a millisecond: workers would only add copies
    collate_fn=dict(type='default_collate'),  # one (N, 1, 28, 28) tensor
    dataset=dict(
        _delete_=True,
        type='InMemoryClsDataset',
        dataset=dict(**inmem_source, split='train'),
        random_crop=dict(crop_size=28, padding=2),
        random_flip=dict(prob=0.5, direction='horizontal'),
        max_bytes=inmem_max_bytes))

val_dataloader = dict(
    num_workers=0,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        _delete_=True,
        type='InMemoryClsDataset',
        dataset=dict(**inmem_source, split='test', test_mode=True),
        max_bytes=inmem_max_bytes))
test_dataloader = val_dataloader
