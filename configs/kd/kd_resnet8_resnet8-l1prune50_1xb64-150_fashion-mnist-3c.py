# Pruning + KD: the pruning config above with a teacher added and nothing else changed.
# The student is MMRazor's ItePruneAlgorithm (it prunes at the first iteration, then the
# pruned sub-model is fine-tuned); the teacher is the unpruned model it started from.
_base_ = [
    './resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py'
]
model = dict(_base_.logit_kd, student=_base_.model)
