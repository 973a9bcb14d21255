"""configs/_base_/datasets: each file loads, and its datasets build through the registry
on data made by tools/prepare_data.py (the demo sets) or laid out like mmagic's (DIV2K,
Set5, Set14, B100, Urban100, here links to the demo images), yielding samples of the
right shapes."""
import importlib.util
import os
import os.path as osp

import pytest

import mmkd_ext  # noqa: F401  (compat shims before mm* packages)

# isort: split
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.hooks import Hook
from mmengine.registry import DATASETS, EVALUATOR, LOOPS, init_default_scope
from mmengine.runner import Runner

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO, 'configs', '_base_', 'datasets')
SHARED = osp.join(osp.dirname(REPO), 'shared', 'datasets')
needs_data = pytest.mark.skipif(
    not osp.isdir(osp.join(SHARED, 'sr')), reason='no ../shared/datasets on this machine')
SCALES = (2, 3, 4)
TEST_SETS = ['Set5', 'Set14', 'B100', 'Urban100']


def load(name: str) -> Config:
    return Config.fromfile(osp.join(CONFIGS, name))


@pytest.fixture(scope='module')
def workdir(tmp_path_factory):
    """A folder whose ``data/`` holds the demo sets (1 training photo) and mmagic-style
    DIV2K / benchmark folders linked to them; the configs' relative paths resolve in it."""
    spec = importlib.util.spec_from_file_location(
        'prepare_data', osp.join(REPO, 'tools', 'prepare_data.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    root = tmp_path_factory.mktemp('work')
    data = root / 'data'
    assert tool.main(['all', '--out', str(data), '--limit', '1', '--nproc', '1']) == 0
    demo = data / 'sr_demo'
    div2k = data / 'DIV2K'
    (div2k / 'DIV2K_train_LR_bicubic').mkdir(parents=True)
    (div2k / 'DIV2K_train_HR_sub').symlink_to(demo / 'train_hr_sub')
    subs = sorted(os.listdir(demo / 'train_hr_sub'))
    (div2k / 'meta_info_DIV2K800sub_GT.txt').write_text(
        ''.join(f'{name} (240, 240, 3)\n' for name in subs))
    for name in TEST_SETS:
        (data / name).mkdir()
        (data / name / 'GTmod12').symlink_to(demo / 'bench14_hr')
    for s in SCALES:
        (div2k / 'DIV2K_train_LR_bicubic' / f'X{s}_sub').symlink_to(
            demo / f'train_lr_sub_x{s}')
        for name in TEST_SETS:
            (data / name / f'LRbicx{s}').symlink_to(demo / f'bench14_lr_x{s}')
    return root


def build(dataset_cfg, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    init_default_scope('mmkd_ext')
    # serialize_data=False skips a gc.collect() per dataset (~1 s in a test process)
    return DATASETS.build(dict(dataset_cfg, serialize_data=False))


def check_pair(sample: dict, scale: int, gt_size=None):
    lr, gt = sample['inputs'], sample['data_samples'].gt_img.data
    assert lr.shape[0] == gt.shape[0] == 3
    assert gt.shape[1:] == (lr.shape[1] * scale, lr.shape[2] * scale)
    if gt_size is not None:
        assert gt.shape[1:] == (gt_size, gt_size)


def check_sr_metrics(evaluator: dict, scale: int, prefix=None):
    assert evaluator['type'] == 'mmagic.Evaluator'
    assert [m['type'] for m in evaluator['metrics']] == ['mmagic.PSNR', 'mmagic.SSIM']
    for metric in evaluator['metrics']:
        assert metric['crop_border'] == scale and metric['convert_to'] == 'Y'
        assert metric.get('prefix') == prefix
    init_default_scope('mmkd_ext')
    EVALUATOR.build(evaluator)


@pytest.mark.parametrize('scale', SCALES)
def test_sr_demo_config(scale):
    cfg = load(f'sr_demo_x{scale}.py')
    assert cfg.sr_scale == scale
    assert cfg.train_dataloader.sampler.type == 'InfiniteSampler'
    assert (cfg.train_dataloader.batch_size, cfg.train_dataloader.num_workers) == (8, 2)
    assert cfg.train_dataloader.dataset.data_prefix.img == f'train_lr_sub_x{scale}'
    assert cfg.val_dataloader.dataset.data_prefix.img == f'bench14_lr_x{scale}'
    assert (cfg.val_cfg.type, cfg.test_cfg.type) == ('mmagic.MultiValLoop',
                                                      'mmagic.MultiTestLoop')
    check_sr_metrics(cfg.val_evaluator, scale)
    check_sr_metrics(cfg.test_evaluator, scale, prefix='bench14')


@pytest.mark.parametrize('scale', SCALES)
def test_div2k_config(scale):
    cfg = load(f'div2k_x{scale}.py')
    assert cfg.sr_scale == scale and cfg.gt_patch_size == 48 * scale
    assert (cfg.train_dataloader.batch_size, cfg.train_dataloader.dataset.data_prefix.img) \
        == (16, f'DIV2K_train_LR_bicubic/X{scale}_sub')
    assert cfg.val_dataloader.dataset.data_root == 'data/Set5'
    check_sr_metrics(cfg.val_evaluator, scale)
    assert [d.dataset.data_root for d in cfg.test_dataloader] == [f'data/{n}' for n in TEST_SETS]
    assert [d.dataset.data_prefix for d in cfg.test_dataloader] == \
        [dict(img=f'LRbicx{scale}', gt='GTmod12')] * 4
    for evaluator, name in zip(cfg.test_evaluator, TEST_SETS):
        check_sr_metrics(evaluator, scale, prefix=name)
    assert LOOPS.get(cfg.test_cfg.type).__name__ == 'MultiTestLoop'


def test_fashion_mnist_config():
    cfg = load('fashion_mnist.py')
    assert cfg.train_dataloader.dataset.type == 'mmpretrain.FashionMNIST'
    assert cfg.val_evaluator == dict(type='mmpretrain.Accuracy', topk=(1, ))
    init_default_scope('mmkd_ext')
    Evaluator(cfg.val_evaluator)  # a metric dict, as the Runner wraps it


@needs_data
@pytest.mark.parametrize('scale', SCALES)
def test_sr_demo_datasets_build(scale, workdir, monkeypatch):
    cfg = load(f'sr_demo_x{scale}.py')
    train = build(cfg.train_dataloader.dataset, workdir, monkeypatch)
    assert len(train) == len(os.listdir(workdir / 'data' / 'sr_demo' / 'train_hr_sub'))
    check_pair(train[0], scale, gt_size=cfg.gt_patch_size)
    val = build(cfg.val_dataloader.dataset, workdir, monkeypatch)
    assert len(val) == 14
    check_pair(val[0], scale)


@needs_data
@pytest.mark.parametrize('scale', SCALES)
def test_div2k_datasets_build(scale, workdir, monkeypatch):
    cfg = load(f'div2k_x{scale}.py')
    train = build(cfg.train_dataloader.dataset, workdir, monkeypatch)
    check_pair(train[0], scale, gt_size=48 * scale)
    for loader in [cfg.val_dataloader] + cfg.test_dataloader:
        check_pair(build(loader.dataset, workdir, monkeypatch)[0], scale)


@needs_data
def test_fashion_mnist_datasets_build(workdir, monkeypatch):
    cfg = load('fashion_mnist.py')
    train = build(cfg.train_dataloader.dataset, workdir, monkeypatch)
    test = build(cfg.val_dataloader.dataset, workdir, monkeypatch)
    assert (len(train), len(test)) == (60000, 10000)
    for sample in (train[0], test[0]):
        assert tuple(sample['inputs'].shape) == (1, 28, 28)
        assert 0 <= int(sample['data_samples'].gt_label) < 10


class MetricsHook(Hook):
    """Keeps the metrics of the last validation and test."""

    def __init__(self):
        self.metrics = {}

    def after_val_epoch(self, runner, metrics=None):
        self.metrics.update(metrics or {})

    def after_test_epoch(self, runner, metrics=None):
        self.metrics.update(metrics or {})


def run_val_and_test(cfg: Config, work_dir: str) -> dict:
    """Validate and test a one-block EDSR on one image of each set (the butterfly) with
    the config's dataloaders, evaluators and loops: the path a training run takes."""
    loaders = [cfg.val_dataloader] + (cfg.test_dataloader if isinstance(
        cfg.test_dataloader, list) else [cfg.test_dataloader])
    for loader in loaders:
        loader.num_workers = 0
        loader.dataset.update(indices=[4], serialize_data=False)
    hook = MetricsHook()
    runner = Runner(
        model=dict(
            type='mmagic.BaseEditModel',
            generator=dict(type='mmagic.EDSRNet', in_channels=3, out_channels=3,
                           mid_channels=4, num_blocks=1, upscale_factor=cfg.sr_scale),
            pixel_loss=dict(type='mmagic.L1Loss'),
            data_preprocessor=dict(type='mmagic.DataPreprocessor', mean=[0., 0., 0.],
                                   std=[255., 255., 255.])),
        work_dir=work_dir,
        val_dataloader=cfg.val_dataloader,
        val_evaluator=cfg.val_evaluator,
        val_cfg=cfg.val_cfg,
        test_dataloader=cfg.test_dataloader,
        test_evaluator=cfg.test_evaluator,
        test_cfg=cfg.test_cfg,
        custom_hooks=[hook],
        default_scope='mmkd_ext',
        log_level='WARNING')
    runner.val()
    runner.test()
    return hook.metrics


@needs_data
def test_sr_demo_val_and_test_loops_run(workdir, tmp_path, monkeypatch):
    monkeypatch.chdir(workdir)
    metrics = run_val_and_test(load('sr_demo_x4.py'), str(tmp_path))
    assert set(metrics) == {'PSNR', 'SSIM', 'bench14/PSNR', 'bench14/SSIM'}
    assert metrics['PSNR'] == metrics['bench14/PSNR'] > 0


@needs_data
def test_div2k_val_and_test_loops_run(workdir, tmp_path, monkeypatch):
    monkeypatch.chdir(workdir)
    metrics = run_val_and_test(load('div2k_x2.py'), str(tmp_path))
    assert set(metrics) == {'PSNR', 'SSIM'} | {f'{name}/{metric}' for name in TEST_SETS
                                               for metric in ('PSNR', 'SSIM')}
