# AFD's CPU-scale schedule: cls_sgd_1k.py's SGD + cosine decay for every network and
# transfer layer, Adam at a constant rate for the discriminators. One optimizer per module of
# mmkd_ext.AFD: the method configs name their keys (net{k}, trans{k}, disc{k}); schedulers
# are given for up to 4 networks (keys without a module are ignored).
_base_ = './cls_sgd_1k.py'

# linear CKA between the networks' feature maps, logged with each validation
custom_hooks = [dict(type='FeatureSimilarityHook', max_samples=512)]

net_optim = {{_base_.optim_wrapper}}
disc_optim = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
net_schedule = {{_base_.param_scheduler}}

optim_wrapper = dict(_delete_=True, constructor='mmagic.MultiOptimWrapperConstructor')
param_scheduler = dict(
    _delete_=True,
    **{f'net{k}': net_schedule for k in range(4)},
    **{f'trans{k}': net_schedule for k in range(4)},
    **{f'disc{k}': [] for k in range(4)})
# best single network; 'net1/accuracy/top1' keeps the best of a named one
default_hooks = dict(checkpoint=dict(save_best='best/accuracy/top1'))
# `--launcher pytorch`: one DDP per sub-module, as for GANs (AFD syncs its feature step)
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
