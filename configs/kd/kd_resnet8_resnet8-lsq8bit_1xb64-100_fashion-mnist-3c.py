# Quantization + KD: the LSQ config above with a full-precision teacher added and nothing
# else changed. The student is MMRazor's MMArchitectureQuant (its fake-quantized graph
# trains); the teacher is the float model it started from.
_base_ = './resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py'
model = dict(
    _delete_=True,
    type='LogitKD',
    student={{_base_.model}},
    teacher={{_base_.model.architecture}},
    teacher_ckpt={{_base_.float_checkpoint}},
    temperature=4.0,
    alpha=0.9)
