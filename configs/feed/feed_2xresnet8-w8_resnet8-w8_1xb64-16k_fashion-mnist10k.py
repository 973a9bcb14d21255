# The FEED study at the plateau: pFEED with K = 2 (the 16k teachers of seeds 100 and 101).
_base_ = './feed_1xresnet8-w8_resnet8-w8_1xb64-16k_fashion-mnist10k.py'
model = dict(
    teachers=dict(t101={{_base_.resnet8_w8}}),
    teacher_ckpts=dict(t101='checkpoints/feed/resnet8-w8_1xb64-16k_fashion-mnist10k_seed101.pth'))
