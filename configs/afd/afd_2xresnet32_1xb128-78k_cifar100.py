# AFD on CIFAR-100 in the paper's setting: two CIFAR ResNet-32s (16/32/64 channels) trained
# from scratch together for 200 epochs (78.2k iterations of batch 128); discriminators on
# the layer3 maps (64 x 8 x 8).
_base_ = ['../_base_/datasets/cifar100_bs128.py', '../_base_/schedules/afd_sgd_78k.py']


def cifar_resnet(depth, width=16):
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmkd_ext.CIFARResNet', depth=depth, in_channels=3,
                      base_channels=width),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=4 * width))


resnet32 = cifar_resnet(32)
model = dict(
    type='AFD',
    nets=[resnet32, resnet32],
    taps='backbone.layer3',
    feature_mode='adversarial',
    temperature=3.0,
    dml_weight=1.0,
    adv_weight=1.0,  # the adversarial step's pace is net{k}_adv's learning rate
    discriminator=dict(type='FeatureMapDiscriminator', num_convs=2, output='map'),
    probe_shape=(3, 32, 32))
net_optim = {{_base_.net_optim}}
adv_optim = {{_base_.adv_optim}}
disc_optim = {{_base_.disc_optim}}
optim_wrapper = dict(
    net0=net_optim, net1=net_optim, net0_adv=adv_optim, net1_adv=adv_optim, disc0=disc_optim,
    disc1=disc_optim)
# `accuracy/top1`: model.eval_net (net0); `net{k}/...` every network, `best/...` their max
val_evaluator = [dict(type='mmpretrain.Accuracy', topk=(1, )), dict(type='PerNetworkAccuracy')]
test_evaluator = val_evaluator
