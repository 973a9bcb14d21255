# Quantization + KD: the LSQ config above with a full-precision teacher added and nothing
# else changed. The student is MMRazor's MMArchitectureQuant (its fake-quantized graph
# trains); the teacher is the float model it started from.
_base_ = [
    './resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py',
    '../_base_/models/kd_teacher_resnet8_fashion_mnist_3c.py'
]
model = dict(_base_.logit_kd, student=_base_.model)
