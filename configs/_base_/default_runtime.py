# Runtime shared by mmkd_ext's configs; a method config overrides what it needs.
# Host components are named with their scope (type='mmagic.EDSRNet') or inherited with
# `_base_ = 'mmagic::...'`, whose dicts carry `_scope_`; everything else is looked up in
# mmkd_ext's registries, then mmengine's.
default_scope = 'mmkd_ext'

# Distillation schedules are counted in iterations (mmagic's habit), also for classifiers.
# In mmkd_ext's scope `CheckpointHook` is mmkd_ext.AtomicCheckpointHook: a checkpoint is
# written to a temporary file and renamed, so a kill during a save leaves the previous one.
# `non_finite` stops training at a NaN/Inf loss term or gradient, naming the iteration, the
# term and the last good checkpoint (action='skip' skips such steps instead).
# `random_state` keeps torch's random state in checkpoints, so that `--resume` continues a
# training step that draws random numbers (SGN) exactly where it stopped.
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=5000, by_epoch=False, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    non_finite=dict(type='NonFiniteLossHook', action='stop'),
    random_state=dict(type='RandomStateHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # 'nccl' as in every OpenMMLab runtime. On a host without CUDA, `import mmkd_ext`
    # makes mmengine's `--launcher pytorch` start gloo instead and wrap CPU modules in DDP
    # without device ids (mmkd_ext/compat/mmengine.py), so the same config runs one process
    # per GPU or several processes on a CPU machine. Name another backend here
    # (e.g. dist_cfg=dict(backend='gloo')) to force it.
    dist_cfg=dict(backend='nccl'),
)

log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)

# Local files always; TensorBoard too where tensorboard is installed.
vis_backends = [dict(type='LocalVisBackend'), dict(type='OptionalTensorboardVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=None, deterministic=False)
