# mmpretrain's CIFAR-100 (data/cifar100, its standard pipeline: random crop with 4-pixel
# padding, horizontal flip) at batch 128, with an infinite sampler for iteration loops.
_base_ = 'mmpretrain::_base_/datasets/cifar100_bs16.py'

train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True))
val_dataloader = dict(batch_size=256, num_workers=4)
test_dataloader = val_dataloader
val_cfg = dict(type='ValLoop')  # mmpretrain sets the loops in its schedules, not here
test_cfg = dict(type='TestLoop')
