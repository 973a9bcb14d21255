# SGN at CPU scale on the demo translation set (configs/sgn/_base_/sgn_translation_demo.py)
# with the official code's generator choices (gate width C/4, PyTorch's initialisation,
# transposed convolutions): 16 channels, 6 residual blocks, 8k iterations of batch 4, Adam
# 2e-4 constant for 4k, then linear decay to 0. Sized for about two hours of 2-core CPU
# training (configs/sgn/README.md gives the measured step times); resumable in parts
# (`tools/train.py CONFIG --resume`), a checkpoint every 500 iterations, all kept so that
# the mixing can be scored along the run. Ablations: model.generator.upsample=nearest
# (resize + convolution), model.generator.gate_reduction=1, model.generator.init=normal.
_base_ = ['./_base_/sgn_translation_demo.py']

model = dict(generator=dict(base_channels=16, num_blocks=6))

max_iters = 8000
train_cfg = dict(max_iters=max_iters)
param_scheduler = [dict(_base_.decay, begin=max_iters // 2, end=max_iters)]
default_hooks = dict(checkpoint=dict(interval=500, max_keep_ckpts=-1), logger=dict(interval=50))
custom_hooks = [dict(type='SGNMixGridHook', image=_base_.grid_image, interval=500, size=128)]
