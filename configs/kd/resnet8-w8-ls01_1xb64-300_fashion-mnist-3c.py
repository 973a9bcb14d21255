# Regularisation: label smoothing 0.1 (mmpretrain's LabelSmoothLoss) on ResNet-8 (w8), no KD.
_base_ = './resnet8-w8_1xb64-300_fashion-mnist-3c.py'
model = dict(
    head=dict(loss=dict(_delete_=True, type='LabelSmoothLoss', label_smooth_val=0.1)))
