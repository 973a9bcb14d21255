# fashion_mnist_3c.py on the in-memory path (fashion_mnist_inmem.py): the data
# preprocessor's 3-entry mean and std broadcast the (N, 1, 28, 28) batch to 3 channels.
_base_ = './fashion_mnist_inmem.py'

data_preprocessor = dict(num_classes=10, mean=[72.94] * 3, std=[90.02] * 3)
train_dataloader = dict(batch_size=64)
