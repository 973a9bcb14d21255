# resnet8-lsq8bit_1xb64-628_fashion-mnist10k-3c.py at 4 bits: weights (per channel,
# symmetric) and activations. No KD: the baseline of
# kd_resnet8_resnet8-lsq4bit_1xb64-628_fashion-mnist10k-3c.py.
_base_ = './resnet8-lsq8bit_1xb64-628_fashion-mnist10k-3c.py'
model = dict(quantizer=dict(global_qconfig=dict(w_qscheme=dict(bit=4), a_qscheme=dict(bit=4))))
