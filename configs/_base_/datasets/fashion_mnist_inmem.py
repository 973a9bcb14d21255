# Fashion-MNIST (fashion_mnist.py) held in memory: mmkd_ext.InMemoryFashionMNIST takes the
# upstream arguments and pipeline, keeps the train / test images in uint8 tensors (47 + 8
# MB) and crops (padding 2) and flips each training batch at once, drawing the same numbers
# as the per-sample RandomCrop + RandomFlip: with the same seed and num_workers, the same
# batches. Validation and test: the same images and data preprocessor, no augmentation.
# A data set over max_bytes (an argument of the type, 2 GiB by default) stops with an
# error; type='mmpretrain.FashionMNIST' (as in fashion_mnist.py) is the streaming path.
_base_ = './fashion_mnist.py'

inmem_dataset = dict(type='InMemoryFashionMNIST')
train_dataloader = dict(
    num_workers=0,  # a batch costs a few milliseconds: workers would only add copies
    collate_fn=dict(type='default_collate'),  # one (N, 1, 28, 28) tensor
    dataset=inmem_dataset)
val_dataloader = dict(
    num_workers=0, collate_fn=dict(type='default_collate'), dataset=inmem_dataset)
test_dataloader = val_dataloader
