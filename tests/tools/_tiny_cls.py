"""A tiny Fashion-MNIST-shaped data set and FEED runner configs for the tools tests (CPU,
seconds). Configs are plain dicts written as python files, run with ``tools/train.py``."""
import os
import os.path as osp
import struct
from typing import Dict, Optional

import numpy as np

import mmkd_ext  # noqa: F401  (compat first)
from tests.models._classifiers import tiny_classifier

WIDTHS = dict(t1=4, t2=3)


def write_idx(path: str, array: np.ndarray) -> None:
    """An unsigned-byte idx file (the MNIST format: magic, dims, data, big-endian)."""
    with open(path, 'wb') as f:
        f.write(struct.pack('>I', 0x0800 + array.ndim))
        f.write(struct.pack(f'>{array.ndim}I', *array.shape))
        f.write(array.astype(np.uint8).tobytes())


def make_fashion_data(root: str, num_train: int = 8, num_test: int = 4) -> str:
    """Random 28 x 28 images and labels in ``root/raw`` under the Fashion-MNIST names."""
    rng = np.random.default_rng(0)
    raw = osp.join(root, 'raw')
    os.makedirs(raw, exist_ok=True)
    for prefix, num in (('train', num_train), ('t10k', num_test)):
        write_idx(osp.join(raw, f'{prefix}-images-idx3-ubyte'),
                  rng.integers(0, 256, (num, 28, 28)))
        write_idx(osp.join(raw, f'{prefix}-labels-idx1-ubyte'), rng.integers(0, 10, (num, )))
    return root


def student_cfg() -> dict:
    cfg = tiny_classifier(2)
    cfg.pop('data_preprocessor')  # the runner passes the config's data_preprocessor
    return cfg


def make_teacher_ckpts(folder: str) -> Dict[str, str]:
    """Randomly initialised tiny teachers saved as plain mmpretrain checkpoints."""
    import torch

    from mmkd_ext.registry import MODELS
    paths = {}
    for i, (name, width) in enumerate(WIDTHS.items()):
        torch.manual_seed(i)
        paths[name] = osp.join(folder, f'{name}.pth')
        torch.save({'state_dict': MODELS.build(tiny_classifier(width)).state_dict()},
                   paths[name])
    return paths


def feed_model(teacher_ckpts: Optional[Dict[str, str]],
               widths: Optional[Dict[str, int]] = None) -> dict:
    """FEED with a width-2 student and a teacher of each width in ``widths``
    (default: ``WIDTHS``, K = 2)."""
    return dict(
        type='FEED',
        student=student_cfg(),
        teachers={name: tiny_classifier(w) for name, w in (widths or WIDTHS).items()},
        teacher_ckpts=teacher_ckpts,
        feat_loss=dict(type='FactorTransferLoss', reduction='element'),
        feat_weight=100.0,
        kd_weight=1.0,
        probe_shape=(1, 28, 28))


def _dataloader(data_root: str, train: bool) -> dict:
    return dict(
        batch_size=4,
        num_workers=0,
        persistent_workers=False,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(
            type='mmpretrain.FashionMNIST',
            data_root=data_root,
            data_prefix='raw',
            split='train' if train else 'test',
            test_mode=not train,
            download=False,
            pipeline=[dict(type='mmpretrain.PackInputs')]))


def cls_config(model: dict, data_root: str, max_iters: int = 2) -> dict:
    """A complete runner config: iterations, validation (top-1) and a checkpoint every
    ``max_iters`` / every iteration."""
    evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
    return dict(
        default_scope='mmkd_ext',
        model=model,
        data_preprocessor=dict(num_classes=10, mean=[72.94], std=[90.02]),
        train_dataloader=_dataloader(data_root, train=True),
        val_dataloader=_dataloader(data_root, train=False),
        test_dataloader=_dataloader(data_root, train=False),
        val_evaluator=evaluator,
        test_evaluator=evaluator,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=2),
        val_cfg=dict(type='ValLoop'),
        test_cfg=dict(type='TestLoop'),
        optim_wrapper=dict(type='OptimWrapper',
                           optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1),
            checkpoint=dict(type='CheckpointHook', interval=1, by_epoch=False,
                            save_best='accuracy/top1', rule='greater')),
        log_processor=dict(type='LogProcessor', window_size=1, by_epoch=False),
        env_cfg=dict(
            cudnn_benchmark=False,
            mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
            dist_cfg=dict(backend='nccl')),
        log_level='INFO',
        randomness=dict(seed=0),
    )
