# The optimizers and hooks of AFD's roles that do not depend on the networks' task schedule,
# shared by afd_sgd_1k.py and afd_sgd_78k.py. Their adversarial step (net{k}_adv, an
# optimizer of its own) and the transfer layers (trans{k}, trained by that step only): SGD
# at a tenth of the task rate, without weight decay (the task step applies it, once).
# Discriminators: Adam at a constant rate.

# linear CKA between the networks' feature maps, logged with each validation
custom_hooks = [dict(type='FeatureSimilarityHook', max_samples=512)]

adv_optim = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0, nesterov=True))
disc_optim = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
# `--launcher pytorch`: one DDP per sub-module, as for GANs (AFD syncs its feature step)
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
