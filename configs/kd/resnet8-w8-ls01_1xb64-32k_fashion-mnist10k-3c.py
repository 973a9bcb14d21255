# Label smoothing 0.1 (mmpretrain's LabelSmoothLoss) on resnet8-w8_1xb64-32k_fashion-mnist10k-3c.py,
# no KD.
_base_ = './resnet8-w8_1xb64-32k_fashion-mnist10k-3c.py'
model = dict(
    head=dict(loss=dict(_delete_=True, type='LabelSmoothLoss', label_smooth_val=0.1)))
