# The teacher of the KD orthogonality study (trained once, seed 0), and the full-precision,
# unpruned model that the pruning and quantization configs start from:
#   python tools/train.py configs/kd/resnet8_1xb64-1k_fashion-mnist-3c.py \
#       --work-dir work_dirs/kd/teacher --cfg-options randomness.seed=0
#   mkdir -p checkpoints/kd && cp work_dirs/kd/teacher/iter_1000.pth \
#       checkpoints/kd/resnet8_1xb64-1k_fashion-mnist-3c.pth
_base_ = [
    '../_base_/models/resnet8_fashion_mnist_3c.py', '../_base_/datasets/fashion_mnist_3c.py',
    '../_base_/schedules/cls_sgd_1k.py'
]
