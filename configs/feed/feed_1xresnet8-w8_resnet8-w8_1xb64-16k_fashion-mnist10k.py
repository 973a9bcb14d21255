# The FEED study at the plateau: pFEED with K = 1 on the first 10,000 training images, the
# teacher of seed 100 trained there for 16k iterations (resnet8-w8_1xb64-16k_fashion-
# mnist10k.py, shipped in checkpoints/feed/), the student on the same data and schedule (the
# student alone: that config, seeds 0-2). Also the first generation of sequential FEED
# (tools/feed_sequential.py).
_base_ = './feed_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py'
# beta: the seed-0 sweep at K = 1 (configs/feed/README.md); 1000 in the 1k configs.
model = dict(
    teacher_ckpts=dict(t100='checkpoints/feed/resnet8-w8_1xb64-16k_fashion-mnist10k_seed100.pth'),
    feat_weight=30.0)
max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000))
train_dataloader = dict(dataset=dict(indices=10000))
