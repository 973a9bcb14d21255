# The FEED study at the plateau: pFEED with K = 3 (the 16k teachers of seeds 100-102).
_base_ = './feed_2xresnet8-w8_resnet8-w8_1xb64-16k_fashion-mnist10k.py'
model = dict(
    teachers=dict(t102={{_base_.resnet8_w8}}),
    teacher_ckpts=dict(t102='checkpoints/feed/resnet8-w8_1xb64-16k_fashion-mnist10k_seed102.pth'))
