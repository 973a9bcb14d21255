# Pruning + KD: the pruning config above with a teacher added and nothing else changed.
# The student is MMRazor's ItePruneAlgorithm (it prunes at the first iteration, then the
# pruned sub-model is fine-tuned); the teacher is the unpruned model it started from.
_base_ = './resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py'
model = dict(
    _delete_=True,
    type='LogitKD',
    student={{_base_.model}},
    teacher={{_base_.model.architecture}},
    teacher_ckpt={{_base_.float_checkpoint}},
    temperature=4.0,
    alpha=0.9)
