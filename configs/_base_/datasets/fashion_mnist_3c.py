# Fashion-MNIST (see fashion_mnist.py) for networks with a 3-channel stem (mmpretrain's
# ShuffleNetV2 / MobileNetV2 hard-code it): the data preprocessor's mean and std have
# three entries, so normalising the (N, 1, 28, 28) batch broadcasts it to (N, 3, 28, 28),
# the gray channel repeated. Every network of one study (teacher included) uses this file.
# Held in memory (fashion_mnist_inmem.py; with num_workers=0 the same batches as the
# per-sample path): type='mmpretrain.FashionMNIST' in the dataloaders streams instead.
_base_ = './fashion_mnist_inmem.py'

data_preprocessor = dict(num_classes=10, mean=[72.94] * 3, std=[90.02] * 3)
train_dataloader = dict(batch_size=64, num_workers=0)
val_dataloader = dict(num_workers=0)
test_dataloader = dict(num_workers=0)
