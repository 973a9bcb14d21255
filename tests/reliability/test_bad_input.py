"""The bad-input catalogue (docs/errors.md): each case raises the stated error type, and its
message names the offending value and what would be valid.

Cases that go through ``tools/train.py`` also check that nothing was trained: the error
comes while the config is checked or the runner is built, before the first iteration.
"""
import os
import os.path as osp
from typing import Callable, List, NamedTuple, Type

import pytest
import torch

from mmkd_ext.apis.sgn_mix import parse_mix
from mmkd_ext.checkpoint import UnsafeCheckpointError
from mmkd_ext.models.algorithms.sgn import parse_terms
from mmkd_ext.registry import HOOKS, MODELS
from tests.models._classifiers import tiny_classifier
from tests.models._editors import tiny_batch, tiny_editor
from tests.tools._tiny_cls import cls_config, feed_model, make_fashion_data
from tests.tools._tiny_sr import (
    distill_model,
    make_sr_data,
    make_teacher_ckpt,
    run_tool_in_process,
    sr_config,
    write_config,
)


class Case(NamedTuple):
    kind: str  # configs, data, checkpoints, CLI arguments, taps, shapes, mixes
    id: str
    trigger: Callable  # (tmp_path) -> anything; must raise
    error: Type[BaseException]
    must: List[str]  # substrings: the offending value and the valid choices


def build(cfg: dict):
    return lambda tmp: MODELS.build(cfg)


def fitnet(**kwargs) -> dict:
    cfg = dict(type='FeatureDistill', student=tiny_editor(8, 2), teacher=tiny_editor(16, 2),
               distill_losses=dict(body=dict(
                   student='generator.upsample:input', teacher='generator.upsample:input',
                   connector=dict(type='ConvRegressor', kernel_size=1),
                   loss=dict(type='FitNetLoss'))))
    cfg.update(kwargs)
    return cfg


def afd(**kwargs) -> dict:
    cfg = dict(type='AFD', nets=[tiny_classifier(2), tiny_classifier(2)],
               probe_shape=(1, 16, 16))
    cfg.update(kwargs)
    return cfg


def tap(path: str) -> dict:
    return dict(body=dict(student=path, teacher='generator.upsample:input',
                          connector=dict(type='ConvRegressor', kernel_size=1),
                          loss=dict(type='FitNetLoss')))


def train(tmp, cfg: dict, *args: str):
    """``tools/train.py`` on a tiny SR config (tiny data in ``tmp``), in this process."""
    if 'train_dataloader' not in cfg:
        cfg = sr_config(cfg['model'], make_sr_data(str(tmp / 'data'), num=2))
    path = write_config(str(tmp / 'cfg.py'), cfg)
    try:
        run_tool_in_process('train.py', path, '--work-dir', str(tmp / 'work'), *args)
    finally:  # nothing trained, no checkpoint written
        work = tmp / 'work'
        assert not (work.exists() and any(n.endswith('.pth') for n in os.listdir(work)))


def sr_with(**model_kwargs) -> Callable:
    return lambda tmp: train(tmp, dict(model=dict(distill_model(None), **model_kwargs)))


def sr_cfg(tmp, **changes) -> dict:
    cfg = sr_config(distill_model(None), make_sr_data(str(tmp / 'data'), num=2))
    for key, value in changes.items():
        cfg[key] = value
    return cfg


def bad_pipeline(tmp):
    cfg = sr_cfg(tmp)
    cfg['train_dataloader']['dataset']['pipeline'][0]['type'] = 'LoadImageFromFle'
    train(tmp, cfg)


def teacher_ckpt(tmp, state) -> str:
    path = str(tmp / 'teacher.pth')
    torch.save(state, path)
    return path


def truncated(tmp, name='iter_4.pth') -> str:
    """``work/iter_2.pth`` complete, ``work/<name>`` its first half."""
    (tmp / 'work').mkdir(exist_ok=True)
    full = make_teacher_ckpt(str(tmp / 'work' / 'iter_2.pth'))
    with open(full, 'rb') as f:
        data = f.read()
    path = str(tmp / 'work' / name)
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    return path


def resume_truncated(tmp):
    path = truncated(tmp)
    cfg = sr_cfg(tmp)
    run_tool_in_process('train.py', write_config(str(tmp / 'cfg.py'), cfg), '--work-dir',
                        str(tmp / 'work'), '--resume', path)


def auto_resume_missing(tmp):
    truncated(tmp)
    (tmp / 'work' / 'last_checkpoint').write_text(str(tmp / 'work' / 'iter_6.pth'))
    cfg = sr_cfg(tmp)
    run_tool_in_process('train.py', write_config(str(tmp / 'cfg.py'), cfg), '--work-dir',
                        str(tmp / 'work'), '--resume')


def malicious(tmp):
    class CallsSystem:
        def __reduce__(self):
            return os.system, (f'touch {tmp / "pwned"}', )

    path = teacher_ckpt(tmp, {'state_dict': {}, 'meta': CallsSystem()})
    try:
        MODELS.build(fitnet(teacher_ckpt=path))
    finally:
        assert not (tmp / 'pwned').exists()


def run_test_tool(tmp, checkpoint: str):
    cfg = sr_cfg(tmp)
    run_tool_in_process('test.py', write_config(str(tmp / 'cfg.py'), cfg), checkpoint,
                        '--work-dir', str(tmp / 'work'))


def cli(*args: str) -> Callable:
    def run(tmp):
        cfg = sr_cfg(tmp)
        train(tmp, cfg, *args)
    return run


def amp_with_other_wrapper(tmp):
    cfg = sr_cfg(tmp)
    cfg['optim_wrapper'] = dict(type='mmagic.MultiOptimWrapperConstructor')
    train(tmp, cfg, '--amp')


def amp_without_accelerator(tmp):
    from unittest import mock

    from mmkd_ext.engine import diagnostics
    with mock.patch.object(diagnostics, '_has_accelerator', return_value=False):
        train(tmp, sr_cfg(tmp), '--amp')


def options(*pairs: str) -> Callable:
    """``tools/train.py`` on the tiny SR config with ``--cfg-options pairs``."""
    return cli('--cfg-options', *pairs)


def lsq_max_iters(tmp):
    """MMRazor's LSQ loop counts epochs; ``train_cfg.max_iters`` is not among its arguments."""
    config = osp.join(osp.dirname(__file__), '..', '..', 'configs', 'kd',
                      'resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py')
    work = tmp / 'work'
    try:
        run_tool_in_process('train.py', config, '--work-dir', str(work), '--cfg-options',
                            'train_cfg.max_iters=2')
    finally:
        assert not (work.exists() and any(n.endswith('.pth') for n in os.listdir(work)))


def missing_root(tmp):
    cfg = sr_config(distill_model(None), str(tmp / 'nowhere'))
    train(tmp, cfg)


def empty_folder(tmp):
    data = make_sr_data(str(tmp / 'data'), num=2)
    for name in os.listdir(osp.join(data, 'LR')):
        os.remove(osp.join(data, 'LR', name))
    train(tmp, sr_config(distill_model(None), data))


def corrupt_image(tmp):
    from mmkd_ext.datasets.transforms import LoadImageFromFile
    path = tmp / 'img.png'
    path.write_bytes(b'\x89PNG truncated')
    LoadImageFromFile('img')(dict(img_path=str(path)))


def truncated_idx(tmp):
    root = make_fashion_data(str(tmp / 'fm'))
    images = osp.join(root, 'raw', 'train-images-idx3-ubyte')
    with open(images, 'rb') as f:
        data = f.read()
    with open(images, 'wb') as f:
        f.write(data[:-100])
    cfg = cls_config(feed_model(None), root)
    path = write_config(str(tmp / 'cfg.py'), cfg)
    run_tool_in_process('train.py', path, '--work-dir', str(tmp / 'work'))


def afd_step(optim: dict, amp: tuple = (), **kwargs):
    """AFD's first train step with these optimizers; ``amp`` names wrappers turned into
    AmpOptimWrapper (which refuses to be built on a CPU-only host: only its type counts)."""
    from mmengine.optim import AmpOptimWrapper, build_optim_wrapper

    def run(tmp):
        from tests.models._classifiers import tiny_cls_batch
        model = MODELS.build(afd(**kwargs))
        wrapper = build_optim_wrapper(model, dict(
            constructor='mmagic.MultiOptimWrapperConstructor', **optim))
        for key in amp:
            wrapper.optim_wrappers[key] = AmpOptimWrapper.__new__(AmpOptimWrapper)
        inputs, samples = tiny_cls_batch()
        model.train_step(dict(inputs=inputs, data_samples=samples), wrapper)
    return run


def kd_prune_unit(tmp):
    """The shipped KD + MMRazor pruning config with a unit name that is not in the network."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(osp.join(osp.dirname(__file__), '..', '..', 'configs', 'kd',
                                   'kd_resnet8_resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py'))
    model = cfg.model.to_dict()
    model['teacher_ckpt'] = None
    model['student']['target_pruning_ratio']['backbone.layer9.conv1_(0, 16)_16'] = 0.5
    with DefaultScope.overwrite_default_scope('mmkd_ext'):
        MODELS.build(model)


SGD = dict(optimizer=dict(type='SGD', lr=0.1))
SGN_NAMES = ['photo', 'vangogh', 'ukiyoe']

CASES = [
    # --- configs: options validated when the component is built
    Case('configs', 'config-path-typo',
         lambda tmp: run_tool_in_process('train.py', 'configs/lsfd/lsfd_edsr-x4_sr-demo.py'),
         SystemExit, ["'configs/lsfd/lsfd_edsr-x4_sr-demo.py' does not exist",
                      'lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py']),
    Case('configs', 'unknown-model-type', sr_with(type='FeatureDistil'), SystemExit,
         ["'FeatureDistil'", "'FeatureDistill'"]),
    Case('configs', 'unknown-argument', sr_with(teacher_ckp='t.pth'), SystemExit,
         ["'teacher_ckp'", "did you mean 'teacher_ckpt'", "'distill_losses'"]),
    Case('configs', 'unknown-transform-type', bad_pipeline, SystemExit,
         ["'LoadImageFromFle'", "'LoadImageFromFile'"]),
    Case('configs', 'hook-argument', options('default_hooks.checkpoint.intervl=2'), SystemExit,
         ['default_hooks.checkpoint:', "'intervl'", "did you mean 'interval'", "'save_best'"]),
    Case('configs', 'hook-type', options('default_hooks.checkpoint.type=CheckpointHok'),
         SystemExit, ["unknown hook type 'CheckpointHok'", "'CheckpointHook'"]),
    Case('configs', 'loop-argument', options('train_cfg.max_epochs=2'), SystemExit,
         ["train_cfg: IterBasedTrainLoop has no argument 'max_epochs'",
          "did you mean 'max_iters'", 'counts iterations']),
    Case('configs', 'epoch-loop-max-iters', lsq_max_iters, SystemExit,
         ["mmrazor.LSQEpochBasedLoop has no argument 'max_iters'", "did you mean 'max_epochs'",
          'train_cfg.max_epochs=N']),
    Case('configs', 'optim-wrapper-argument', options('optim_wrapper.clip_gard=None'),
         SystemExit, ["optim_wrapper: OptimWrapper has no argument 'clip_gard'",
                      "did you mean 'clip_grad'"]),
    Case('configs', 'fitnet-loss-mode', build(dict(type='FitNetLoss', mode='l3')), ValueError,
         ["'l3'", "('l1', 'l2')"]),
    Case('configs', 'lsfd-distance', build(dict(type='LSFDLoss', distance='cos')), ValueError,
         ["'cos'", "'l1'", "'l2'"]),
    Case('configs', 'lsfd-local-mode', build(dict(type='LSFDLoss', local_mode='grid')),
         ValueError, ["'grid'", "'window'"]),
    Case('configs', 'lsfd-kernel-size', build(dict(type='LSFDLoss', kernel_size=4)), ValueError,
         ['got 4', 'odd positive int']),
    Case('configs', 'lsfd-tau', build(dict(type='LSFDLoss', tau=-1.0)), ValueError,
         ['got -1.0', '> 0 or None']),
    Case('configs', 'factor-transfer-reduction',
         build(dict(type='FactorTransferLoss', reduction='batch')), ValueError,
         ["'batch'", "('sample', 'element')"]),
    Case('configs', 'dml-temperature', build(dict(type='DMLLoss', temperature=0)), ValueError,
         ['got 0', '> 0']),
    Case('configs', 'conv-regressor-kernel',
         build(dict(type='ConvRegressor', in_channels=2, out_channels=4, kernel_size=5)),
         ValueError, ['got 5', '1 or 3']),
    Case('configs', 'feed-translator-layers',
         build(dict(type='FEEDTranslator', in_channels=2, out_channels=4, num_layers=0)),
         ValueError, ['got 0', 'int >= 1']),
    Case('configs', 'discriminator-output',
         build(dict(type='FeatureMapDiscriminator', in_channels=8, output='patch')),
         ValueError, ["'patch'", "('map', 'sample')"]),
    Case('configs', 'discriminator-convs',
         build(dict(type='FeatureMapDiscriminator', in_channels=8, num_convs=0)), ValueError,
         ['got 0', '>= 1']),
    Case('configs', 'cifar-resnet-depth', build(dict(type='CIFARResNet', depth=21)), ValueError,
         ['got 21', '(8, 14, 20', '6n + 2']),
    Case('configs', 'wide-resnet-depth', build(dict(type='WideResNet', depth=15)), ValueError,
         ['got 15', '6n + 4', '(10, 16, 22, 28']),
    Case('configs', 'afd-feature-mode', build(afd(feature_mode='gan')), ValueError,
         ["'gan'", "'adversarial'", "'l1'", "'none'"]),
    Case('configs', 'afd-one-network', build(afd(nets=[tiny_classifier(2)])), ValueError,
         ['K >= 2', 'at least two']),
    Case('configs', 'afd-eval-net', build(afd(eval_net=2)), ValueError, ['got 2', '0..1']),
    Case('configs', 'feed-ckpt-names',
         build(dict(feed_model(None), teacher_ckpts=dict(t3='t3.pth'))), ValueError,
         ["['t3']", "teachers are ['t1', 't2']"]),
    Case('configs', 'feed-align', build(dict(feed_model(None), align='crop')), ValueError,
         ["'crop'", "'interpolate'"]),
    Case('configs', 'distill-loss-spec',
         build(fitnet(distill_losses=dict(body=dict(student='generator.body',
                                                    teacher='generator.body')))),
         ValueError, ["distill_losses['body']", 'student, teacher, loss']),
    Case('configs', 'teacher-precision', build(fitnet(teacher_precision='fp8')), ValueError,
         ["'fp8'", "('fp32', 'bf16', 'fp16', 'auto')"]),
    Case('configs', 'kd-temperature-alpha',
         build(dict(type='LogitKD', student=tiny_classifier(2), teacher=tiny_classifier(4),
                    temperature=0, alpha=2)),
         ValueError, ['temperature must be > 0 and alpha in [0, 1]', 'got 0 and 2']),
    Case('configs', 'non-finite-action',
         lambda tmp: HOOKS.build(dict(type='NonFiniteLossHook', action='halt')),
         ValueError, ["'halt'", "('stop', 'skip')"]),
    Case('configs', 'image-on-error',
         lambda tmp: __import__('mmkd_ext.datasets.transforms', fromlist=['x'])
         .LoadImageFromFile('img', on_error='ignore'), ValueError,
         ["'ignore'", "('raise', 'skip')"]),
    # --- taps: module paths checked when the algorithm is built
    Case('taps', 'tap-path', build(fitnet(distill_losses=tap('generator.bodi'))), ValueError,
         ["'generator.bodi'", "nearest existing paths: ['generator.body'"]),
    Case('taps', 'tap-port', build(fitnet(distill_losses=tap('generator.body:outptu'))),
         ValueError, ["'outptu'", '"input" or "output"']),
    Case('taps', 'afd-tap-count', build(afd(taps=['backbone.layer3'] * 3)), ValueError,
         ['got 3', 'one per network (2)']),
    # --- shapes: checked with a probe forward when the algorithm is built
    Case('shapes', 'feature-shapes',
         lambda tmp: MODELS.build(dict(type='FitNetLoss'))(torch.zeros(1, 2, 4, 4),
                                                          torch.zeros(1, 3, 4, 4)),
         ValueError, ['(1, 2, 4, 4)', '(1, 3, 4, 4)', 'connector']),
    Case('shapes', 'channels-without-connector',
         build(fitnet(distill_losses=dict(body=dict(
             student='generator.body', teacher='generator.body',
             loss=dict(type='FitNetLoss'))))),
         ValueError, ['8 channels', 'teacher feature 16', "type='ConvRegressor'"]),
    Case('shapes', 'connector-channels',
         build(fitnet(distill_losses=dict(body=dict(
             student='generator.body', teacher='generator.body', loss=dict(type='FitNetLoss'),
             connector=dict(type='ConvRegressor', in_channels=4))))),
         ValueError, ['maps 4 -> 16', 'taps have 8 (student) -> 16 (teacher)']),
    Case('shapes', 'spatial-size',
         build(fitnet(distill_losses=dict(body=dict(
             student='generator.body', teacher='generator.upsample',
             loss=dict(type='FitNetLoss'))))),
         ValueError, ['differ in spatial size', 'same resolution']),
    Case('shapes', 'discriminator-channels',
         lambda tmp: MODELS.build(dict(type='FeatureMapDiscriminator', in_channels=8))(
             torch.zeros(2, 4, 7, 7)), ValueError, ['(2, 4, 7, 7)', '(N, 8, H, W)']),
    Case('shapes', 'sr-scale',
         lambda tmp: MODELS.build(fitnet()).loss(*tiny_batch(scale=3)), ValueError,
         ['SR (16, 16)', 'HR targets are (24, 24)', 'upscale_factor']),
    # --- checkpoints
    Case('checkpoints', 'teacher-missing', build(fitnet(teacher_ckpt='nope/teacher.pth')),
         FileNotFoundError, ["'nope/teacher.pth'", 'teacher_ckpt']),
    Case('checkpoints', 'teacher-mismatch',
         lambda tmp: MODELS.build(fitnet(teacher_ckpt=make_teacher_ckpt(str(tmp / 't.pth')),
                                         teacher=tiny_editor(16, 3))),
         ValueError, ['does not match the teacher config', 'missing in checkpoint',
                      'generator.body.2']),
    Case('checkpoints', 'teacher-no-state-dict',
         lambda tmp: MODELS.build(fitnet(teacher_ckpt=teacher_ckpt(tmp, {'state_dict': 3}))),
         ValueError, ['teacher.pth', 'no state_dict of tensors']),
    Case('checkpoints', 'code-in-checkpoint', malicious, UnsafeCheckpointError,
         ['teacher.pth', 'posix.system', 'allow-list']),
    Case('checkpoints', 'resume-truncated', resume_truncated, SystemExit,
         ['iter_4.pth', 'not a complete checkpoint', "['iter_2.pth']", '--resume']),
    Case('checkpoints', 'auto-resume-missing', auto_resume_missing, SystemExit,
         ['last_checkpoint names', 'iter_6.pth', 'does not exist', "['iter_2.pth']"]),
    Case('checkpoints', 'test-truncated', lambda tmp: run_test_tool(tmp, truncated(tmp)),
         SystemExit, ['iter_4.pth', 'not a complete checkpoint']),
    Case('checkpoints', 'test-missing', lambda tmp: run_test_tool(tmp, str(tmp / 'no.pth')),
         SystemExit, ["no.pth'", 'does not exist']),
    Case('checkpoints', 'extract-prefix',
         lambda tmp: run_tool_in_process('model_converters/extract_student.py',
                                         make_teacher_ckpt(str(tmp / 't.pth')),
                                         str(tmp / 'o.pth'), '--prefix', 'student.'),
         SystemExit, ["'student.'", 'top-level prefixes are generator.']),
    # --- command-line arguments
    Case('CLI arguments', 'launcher-on-cpu', cli('--launcher', 'slurm'), SystemExit,
         ['--launcher slurm', 'needs GPUs', '--launcher pytorch']),
    Case('CLI arguments', 'amp-wrapper', amp_with_other_wrapper, SystemExit,
         ['--amp', 'OptimWrapper', 'mmagic.MultiOptimWrapperConstructor']),
    Case('CLI arguments', 'auto-scale-lr', cli('--auto-scale-lr'), SystemExit,
         ['--auto-scale-lr', 'auto_scale_lr = dict(base_batch_size=N)']),
    Case('CLI arguments', 'amp-on-cpu', amp_without_accelerator, SystemExit,
         ['error: --amp', 'needs a CUDA, NPU, MLU or MUSA device', 'train without --amp']),
    Case('CLI arguments', 'output-shipped',
         lambda tmp: run_tool_in_process('model_converters/extract_student.py', 'in.pth',
                                         osp.join(osp.dirname(__file__), '..', '..',
                                                  'checkpoints', 'kd', 'student.pth')),
         SystemExit, ['refusing to write', 'checkpoints/ of the package', '--force']),
    # --- data
    Case('data', 'missing-data-root', missing_root, SystemExit,
         ['nowhere', 'not found', 'prepare_data.py']),
    Case('data', 'folder-without-images', empty_folder, SystemExit,
         ['LR holds no image files', '.png']),
    Case('data', 'corrupt-image', corrupt_image, ValueError,
         ["img.png'", 'corrupt, truncated or not an image']),
    Case('data', 'truncated-idx', truncated_idx, SystemExit,
         ['train-images-idx3-ubyte', '8 x 28 x 28', 'the file has', 'prepare_data.py cls']),
    # --- mixes: options that do not go together
    Case('mixes', 'sgn-mix-unknown-domain',
         lambda tmp: parse_mix('vangog=0.5,photo=0.5', SGN_NAMES), ValueError,
         ["'vangog'", "['photo', 'vangogh', 'ukiyoe']"]),
    Case('mixes', 'sgn-mix-malformed', lambda tmp: parse_mix('vangogh:0.5', SGN_NAMES),
         ValueError, ["'vangogh:0.5' is not NAME=NUMBER", "['photo', 'vangogh', 'ukiyoe']"]),
    Case('mixes', 'sgn-mix-length', lambda tmp: parse_mix([0.5, 0.5], SGN_NAMES), ValueError,
         ['2 entries [0.5, 0.5]', "3 terms ['photo', 'vangogh', 'ukiyoe']"]),
    Case('mixes', 'sgn-mix-negative', lambda tmp: parse_mix('vangogh=-1', SGN_NAMES),
         ValueError, ['vangogh=-1.0', 'allow_extrapolation=True']),
    Case('mixes', 'sgn-term-kind', lambda tmp: parse_terms([dict(kind='adv')], 'photo'),
         ValueError, ["got 'adv'", "['reconstruction', 'adversarial', 'style']"]),
    Case('mixes', 'sgn-term-keys',
         lambda tmp: parse_terms([dict(kind='adversarial', domain='vangogh', weight=1)],
                                 'photo'),
         ValueError, ["unknown keys ['weight']", "'loss_weight'"]),
    Case('mixes', 'kd-pruning-unit', kd_prune_unit, ValueError,
         ["['backbone.layer9.conv1_(0, 16)_16']", "valid units: ['backbone.conv1_(0, 16)_16'"]),
    Case('mixes', 'afd-optim-keys', afd_step(dict(net0=SGD, net1=SGD)), ValueError,
         ["keys ['net0', 'net1']", "['disc0', 'disc1', 'net0', 'net1']"]),
    Case('mixes', 'afd-amp-transfer',
         afd_step(dict(net0=SGD, net1=SGD, disc0=SGD, disc1=SGD, trans0=SGD), amp=('trans0', ),
                  nets=[tiny_classifier(2), tiny_classifier(4)]),
         ValueError, ["['trans0'] use AmpOptimWrapper", 'without --amp or with equal channels']),
    Case('mixes', 'feed-no-loss', build(dict(feed_model(None), feat_weight=0, kd_weight=0)),
         ValueError, ['feat_weight=0 and kd_weight=0', 'train the student config instead']),
    Case('mixes', 'distill-nothing', build(fitnet(distill_losses=None)), ValueError,
         ['`distill_losses`', '`output_loss`']),
]


@pytest.mark.parametrize('case', CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path):
    with pytest.raises(case.error) as info:
        case.trigger(tmp_path)
    message = str(info.value)
    missing = [s for s in case.must if s not in message]
    assert not missing, f'{missing} not in: {message}'


def test_catalogue_is_documented():
    with open(osp.join(osp.dirname(__file__), '..', '..', 'docs', 'errors.md')) as f:
        doc = f.read()
    assert [c.id for c in CASES if f'`{c.id}`' not in doc] == []
    assert len(CASES) >= 30 and len({c.kind for c in CASES}) == 7
