# FitNet in the CPU-scale SR study: the study teacher (EDSR 16 x 32, 20k iterations, shipped
# in checkpoints/) -> the demo student (4 x 16), x4; the student alone's data, schedule and
# seed (configs/edsr/edsr_x4c16b4_1xb8-16k_sr-demo.py). The base of the study's pairs
# (configs/lsfd/*_edsr-x4c32b16_edsr-x4c16b4_1xb8-16k_sr-demo.py).
_base_ = ['./fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py']

model = dict(
    teacher={{_base_.edsr_study_teacher}},
    teacher_ckpt='checkpoints/edsr_x4c32b16_1xb16-20k_sr-demo.pth',
    # the tap and weight chosen on seed 0 (configs/lsfd/README.md, the sweep): a block in
    # the middle of the body (student block 2 of 4, teacher block 8 of 16), which scored
    # above the body output for every feature term
    distill_losses=dict(body=dict(student='generator.body.1', teacher='generator.body.7',
                                  loss=dict(loss_weight=0.1))))
max_iters = 16000
train_cfg = dict(max_iters=max_iters, val_interval=2000)
param_scheduler = dict(T_max=max_iters)
default_hooks = dict(checkpoint=dict(interval=2000), logger=dict(interval=200))
