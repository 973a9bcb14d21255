# resnet8-lsq8bit_1xb64-628_fashion-mnist10k-3c.py at 4 bits: weights (per channel,
# symmetric) and activations, with its own budget: 64 epochs of the 10k subset (10,048
# iterations), where its budget curve flattens (README.md: 128 epochs add 0.26 points).
# No KD: the baseline of kd_resnet8_resnet8-lsq4bit_1xb64-64e_fashion-mnist10k-3c.py.
_base_ = './resnet8-lsq8bit_1xb64-628_fashion-mnist10k-3c.py'
model = dict(quantizer=dict(global_qconfig=dict(w_qscheme=dict(bit=4), a_qscheme=dict(bit=4))))
max_epochs = 64
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = dict(T_max=max_epochs * 157)  # 157 iterations an epoch (10,000 / 64)
default_hooks = dict(checkpoint=dict(interval=8))  # resumable in parts
