# afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py
# at the study's budget: the first 10k training images, 16k iterations, and the adv_weight
# chosen for the three-step mode at that budget.
_base_ = ['./afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py',
          '../_base_/schedules/afd_study_16k.py']
train_cfg = {{_base_.study_train_cfg}}
param_scheduler = {{_base_.study_param_scheduler}}
train_dataloader = {{_base_.study_train_dataloader}}
default_hooks = {{_base_.study_default_hooks}}
model = dict(adv_weight={{_base_.study_adv_weight}})
