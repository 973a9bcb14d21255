# AFD's CPU-scale schedule. The networks' task step (net{k}): cls_sgd_1k.py's
# SGD + cosine decay. Their adversarial step (net{k}_adv, an optimizer of its own) and the
# transfer layers (trans{k}, trained by that step only): SGD at a tenth of the task rate on
# the same schedule, without weight decay (the task step applies it, once). Discriminators:
# Adam at a constant rate. The keys are mmkd_ext.AFD.optim_keys(); schedulers are given for
# up to 4 networks (keys without a module are ignored).
_base_ = './cls_sgd_1k.py'

# linear CKA between the networks' feature maps, logged with each validation
custom_hooks = [dict(type='FeatureSimilarityHook', max_samples=512)]

net_optim = {{_base_.optim_wrapper}}
adv_optim = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0, nesterov=True))
disc_optim = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
net_schedule = {{_base_.param_scheduler}}

optim_wrapper = dict(_delete_=True, constructor='RoleOptimWrapperConstructor')
param_scheduler = dict(
    _delete_=True,
    **{f'net{k}': net_schedule for k in range(4)},
    **{f'net{k}_adv': net_schedule for k in range(4)},
    **{f'trans{k}': net_schedule for k in range(4)},
    **{f'disc{k}': [] for k in range(4)})
# best single network; 'net1/accuracy/top1' keeps the best of a named one
default_hooks = dict(checkpoint=dict(save_best='best/accuracy/top1'))
# `--launcher pytorch`: one DDP per sub-module, as for GANs (AFD syncs its feature step)
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
