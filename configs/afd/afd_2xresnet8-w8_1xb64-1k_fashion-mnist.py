# AFD on Fashion-MNIST, same-size pair: two ResNet-8s of width 8 (8/16/32 channels) trained
# from scratch together. Each network: CE + DML towards its peer, then its discriminator
# judges its layer3 map (32 x 7 x 7) against the peer's, then the adversarial step.
_base_ = [
    '../_base_/models/resnet8_w8_fashion_mnist.py', '../_base_/datasets/fashion_mnist_inmem.py',
    '../_base_/schedules/afd_sgd_1k.py'
]
resnet8_w8 = {{_base_.model}}
model = dict(
    _delete_=True,
    type='AFD',
    nets=[resnet8_w8, resnet8_w8],
    taps='backbone.layer3',
    feature_mode='adversarial',
    temperature=3.0,
    dml_weight=1.0,
    adv_weight=1.0,  # the adversarial step's pace is net{k}_adv's learning rate
    discriminator=dict(type='FeatureMapDiscriminator', num_convs=2, output='map'),
    probe_shape=(1, 28, 28))
net_optim = {{_base_.net_optim}}
adv_optim = {{_base_.adv_optim}}
disc_optim = {{_base_.disc_optim}}
optim_wrapper = dict(
    net0=net_optim, net1=net_optim, net0_adv=adv_optim, net1_adv=adv_optim, disc0=disc_optim,
    disc1=disc_optim)
# `accuracy/top1`: model.eval_net (net0); `net{k}/...` every network, `best/...` their max
val_evaluator = [dict(type='mmpretrain.Accuracy', topk=(1, )), dict(type='PerNetworkAccuracy')]
test_evaluator = val_evaluator
train_dataloader = dict(batch_size=64)
