"""Every shipped config loads, follows the naming grammar and builds its model."""
import glob
import os.path as osp
import re

import numpy as np
import pytest
from mmengine import Config
from mmengine.registry import init_default_scope

from mmkd_ext.registry import MODELS

ROOT = osp.join(osp.dirname(__file__), '..', '..', 'configs')
CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, '**', '*.py'), recursive=True)
                 if '_base_' not in p)
SIZE = r'[a-z0-9]+-x\d+(c\d+b\d+|g\d+b\d+c\d+)'
# the schedule after the batch: iterations (`1k`, `16k`, `628`) or epochs (`64e`)
SCHED = r'([0-9k]+|\d+e)'
DISTILL = re.compile(rf'^[a-z0-9]+(-[a-z0-9]+)?_{SIZE}_{SIZE}_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
SINGLE = re.compile(rf'^[a-z0-9]+_x\d+(c\d+b\d+|g\d+b\d+c\d+)_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
SHORT = re.compile(r'^[a-z0-9]+_x\d+\.py$')
# classification: `resnet56`, `wrn28-w10`; K teachers of one kind `2xresnet56`, mixed `+`
CLS = r'[a-z]+\d+(-w\d+)?'
CLS_TEACHERS = rf'(\d+x)?{CLS}(\+(\d+x)?{CLS})*'
CLS_DISTILL = re.compile(
    rf'^[a-z0-9]+(-[a-z0-9]+)?_{CLS_TEACHERS}_{CLS}_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
CLS_SINGLE = re.compile(rf'^{CLS}_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
# online methods (AFD, DML) have no teacher: the networks trained together, `2xresnet32`
ONLINE = re.compile(rf'^[a-z0-9]+(-[a-z0-9]+)?_{CLS_TEACHERS}_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
# translation (SGN): method-term+term_generator, `sgn-vangogh+style_resnet-c64b9_...`; the
# generator may carry tags of non-default choices, `resnet-c16b6-ln-resize`
TRANSLATION = re.compile(r'^[a-z0-9]+(-[a-z0-9]+(\+[a-z0-9]+)*)?_[a-z]+-c\d+b\d+(-[a-z0-9]+)*'
                         rf'_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
# a compressed or regularised student (KD orthogonality): the model, then what was done to
# it, `resnet8-l1prune50`, `resnet8-lsq8bit`, `resnet8-w8-ls01`, alone or after a teacher
CLS_COMPRESSED = rf'{CLS}(-[a-z0-9]+)+'
COMPRESSED_DISTILL = re.compile(
    rf'^[a-z0-9]+_{CLS}_{CLS_COMPRESSED}_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')
COMPRESSED_SINGLE = re.compile(rf'^{CLS_COMPRESSED}_\d+xb\d+-{SCHED}_[a-z0-9-]+\.py$')

SHRINK = {'mid_channels': 8, 'num_blocks': 2, 'num_groups': 2, 'squeeze_factor': 4}
MAX_BLOCKS = 8
# CIFAR ResNets (mmkd_ext.CIFARResNet) keep their widths and lose blocks
CIFAR_RESNET_DEPTH = 8
# SGN's style term: an in-memory style image and a random VGG16 instead of files
STYLE_IMAGE = np.zeros((16, 16, 3), np.uint8)


def shrink(cfg):
    """Tiny networks of the same kind, no teacher weights, no pretrained downloads."""
    if isinstance(cfg, dict):
        for key in list(cfg):
            if key == 'num_blocks' and isinstance(cfg[key], int):
                # at most 8 blocks: a tap inside a body (e.g. generator.body.7) still exists
                cfg[key] = min(cfg[key], MAX_BLOCKS)
            elif key in SHRINK:
                cfg[key] = SHRINK[key]
            elif key == 'depth' and str(cfg.get('type', '')).endswith('CIFARResNet'):
                cfg[key] = CIFAR_RESNET_DEPTH
            elif key in ('teacher_ckpt', 'teacher_ckpts', 'init_cfg', 'pretrained',
                         'vgg_checkpoint', 'float_checkpoint'):
                cfg[key] = None
            elif key == 'style_image':
                cfg[key] = STYLE_IMAGE
            else:
                shrink(cfg[key])
    elif isinstance(cfg, list):
        for item in cfg:
            shrink(item)


def test_there_are_configs():
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_name_follows_the_grammar(path):
    name = osp.basename(path)
    assert (DISTILL.match(name) or SINGLE.match(name) or SHORT.match(name)
            or CLS_DISTILL.match(name) or CLS_SINGLE.match(name) or ONLINE.match(name)
            or TRANSLATION.match(name) or COMPRESSED_DISTILL.match(name)
            or COMPRESSED_SINGLE.match(name)), name


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_loads_and_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmkd_ext'
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper', 'val_evaluator'):
        assert key in cfg, key
    model = cfg.model.to_dict()
    shrink(model)
    init_default_scope('mmkd_ext')
    built = MODELS.build(model)
    assert sum(p.numel() for p in built.parameters()) > 0
    if hasattr(built, 'optim_keys'):  # one optimizer per module (AFD)
        assert sorted(k for k in cfg.optim_wrapper if k != 'constructor') == sorted(
            built.optim_keys())
