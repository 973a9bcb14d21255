# The AFD study's budget (configs/afd/README.md): the first 10,000 Fashion-MNIST training
# images, 16k iterations (102 epochs), validation and a checkpoint every 2k, each network's
# task and adversarial steps and its transfer layers decaying over the 16k (the
# discriminators keep their constant rate). The names are new, so that a 1k AFD config and
# this file can both be bases of a study config, which merges them in (afd*_1xb64-16k_*).
study_iters = 16000
study_train_cfg = dict(max_iters=study_iters, val_interval=2000)
study_param_scheduler = {
    f'{role}{k}{suffix}': dict(T_max=study_iters)
    for k in range(4) for role, suffix in (('net', ''), ('net', '_adv'), ('trans', ''))}
study_train_dataloader = dict(dataset=dict(indices=10000))
study_default_hooks = dict(checkpoint=dict(interval=2000))
# The fused mode's adv_weight at this budget, chosen on seed 0 of the same-size pair from
# {0.01, 0.03, 0.1, 0.3} (configs/afd/README.md): the smallest is the best, and the only one
# not below the networks trained apart.
study_fused_adv_weight = 0.01
# The three-step mode's adv_weight (the networks' adversarial step), chosen on seed 0 of the
# same-size pair from {0.1, 0.3, 1.0}: again the smallest is the best (configs/afd/README.md).
study_adv_weight = 0.1
