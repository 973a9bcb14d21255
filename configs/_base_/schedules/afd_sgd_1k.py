# AFD's CPU-scale schedule. The networks' task step (net{k}): cls_sgd_1k.py's
# SGD + cosine decay. The adversarial steps (net{k}_adv) and transfer layers (trans{k}) follow the
# same schedule; the discriminators keep a constant rate (afd_roles.py). The keys are
# mmkd_ext.AFD.optim_keys(); schedulers are given for up to 4 networks (keys without a
# module are ignored); the best single network's checkpoint is kept
# ('net1/accuracy/top1' would keep the best of a named one).
_base_ = ['./cls_sgd_1k.py', './afd_roles.py']

net_optim, net_schedule = {{_base_.optim_wrapper}}, {{_base_.param_scheduler}}
optim_wrapper = dict(_delete_=True, constructor='RoleOptimWrapperConstructor')
param_scheduler = dict(_delete_=True, **{f'disc{k}': [] for k in range(4)}, **{
    key: net_schedule for k in range(4) for key in (f'net{k}', f'net{k}_adv', f'trans{k}')})
default_hooks = dict(checkpoint=dict(save_best='best/accuracy/top1'))
