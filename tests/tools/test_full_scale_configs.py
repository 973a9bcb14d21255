"""Every shipped full-scale config through the real entry points, from a user's working
directory holding a stand-in of its data set (tests/_standin_data.py).

For each config whose training data is a standard data set (DIV2K, CIFAR-100, CycleGAN:
``_full_scale.FULL_SCALE_ROOTS``): ``tools/train.py`` for two iterations with one validation
and a checkpoint, ``tools/test.py`` on that checkpoint, and for distillation configs
``tools/model_converters/extract_student.py`` and ``tools/test.py`` with the student's plain
config (mmagic's EDSR configs for EDSR students). SGN configs have no test set:
``tools/test.py`` must say so, and ``tools/sgn_mix.py`` translates a photo instead. KD on
compression has no full-scale config; its two compression configs run the same way on the
Fashion-MNIST stand-in. One config per family also trains under ``tools/dist_train.sh
CONFIG 2``; the SR family's distributed run is in test_readme_full_scale.py.

Networks keep their full size except the SR ones here (fewer blocks, through
``--cfg-options``); test_readme_full_scale.py runs the full-size EDSR teacher and LSFD. The
command lines of one family run one after another in one process
(tests/tools/_tool_batch.py: each is ``python tools/X.py ARGS`` as ``__main__``), the
families in parallel processes.
"""
import glob
import json
import math
import os.path as osp
import subprocess
import sys

import cv2
import pytest
import torch

from tests._standin_data import build_standin
from tests.tools import _full_scale as fs
from tests.tools._tiny_sr import free_port

pytestmark = pytest.mark.slow

#: The KD-on-compression configs (a student MMRazor prunes or quantizes), each upstream
#: recipe once: the 10k-subset study's configs (*_fashion-mnist10k-3c.py) only change budgets.
KD_GLOB = 'configs/kd/kd_*_fashion-mnist-3c.py'
#: One config per family under tools/dist_train.sh CONFIG 2 (SR: the README's command).
DIST_CONFIGS = {
    'cls': 'configs/afd/afd_2xresnet32_1xb128-78k_cifar100.py',
    'translation': 'configs/sgn/sgn-vangogh+ukiyoe+monet_resnet-c64b9_1xb4-200k_cyclegan.py',
    'kd': 'configs/kd/kd_resnet8_resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py',
}
#: The validation metric each family logs (and tests).
METRIC = {'sr': 'PSNR', 'cls': 'accuracy/top1', 'kd': 'accuracy/top1'}


@pytest.fixture(scope='session')
def standin(tmp_path_factory):
    """The user's working directory with every stand-in layout; ``site`` goes on
    PYTHONPATH (the CIFAR-100 stand-in's md5s)."""
    root = str(tmp_path_factory.mktemp('user'))
    paths = build_standin(root)
    return dict(paths, root=root)


@pytest.fixture(scope='session')
def catalogue():
    """``{config: (Config, family)}`` for every shipped config (family ``'cpu'`` for the
    demo-data configs; a config whose data no stand-in covers fails here)."""
    found, unknown = {}, []
    for config in fs.shipped_configs():
        cfg = fs.load(config)
        try:
            found[config] = (cfg, fs.classify(cfg))
        except ValueError as error:
            unknown.append(f'{config}: {error}')
    assert not unknown, '\n'.join(unknown)
    return found


def _kd_configs(catalogue) -> list:
    return [c for c in sorted(glob.glob(osp.join(fs.REPO, KD_GLOB)))
            if catalogue[osp.relpath(c, fs.REPO)][0].model.student.get('_scope_') == 'mmrazor']


def _families(catalogue) -> dict:
    """``{family: [config, ...]}`` of the runs: the full-scale families and ``kd``."""
    families = {}
    for config, (_, family) in catalogue.items():
        if family != 'cpu':
            families.setdefault(family, []).append(config)
    families['kd'] = [osp.relpath(c, fs.REPO) for c in _kd_configs(catalogue)]
    return families


def _selected_families(request, catalogue) -> set:
    """The families the selected tests of this module need (all when in doubt)."""
    families, everything = set(), set(_families(catalogue))
    for item in request.session.items:
        if item.module.__name__ != __name__:
            continue
        params = getattr(item, 'callspec', None) and item.callspec.params
        if item.originalname == 'test_full_scale_config':
            families.add(catalogue[params['config']][1])
        elif item.originalname == 'test_kd_on_compression':
            families.add('kd')
        elif item.originalname != 'test_dist_train':
            return everything
    return (families & everything) or everything


@pytest.fixture(scope='session')
def runs(request, standin, catalogue):
    """The plans of the families the selected tests need, each run in its own process,
    the processes in parallel, from the user's directory. Returns
    ``{config: {step: result}}``."""
    user, site = standin['root'], standin['site']
    procs = {}
    wanted = _selected_families(request, catalogue)
    for family, configs in _families(catalogue).items():
        if family not in wanted:
            continue
        steps = []
        for config in configs:
            cfg = catalogue[config][0]
            steps += fs.config_steps(config, cfg, 'cls' if family == 'kd' else family, user,
                                     shrink=family == 'sr', catalogue=catalogue)
        plan = osp.join(user, f'plan_{family}.json')
        with open(plan, 'w') as f:
            json.dump(steps, f)
        log = open(osp.join(user, f'batch_{family}.log'), 'w')
        procs[family] = (subprocess.Popen(
            [sys.executable, fs.BATCH, plan, plan.replace('plan_', 'results_')], cwd=user,
            env=fs.tool_env(user, site), stdout=log, stderr=subprocess.STDOUT), log, steps)
    results = {}
    for family, (proc, log, steps) in procs.items():
        proc.wait(timeout=1200)
        log.close()
        path = osp.join(user, f'results_{family}.json')
        done = json.load(open(path)) if osp.isfile(path) else []
        for step in steps:  # a step the process never reached (it crashed) reads so
            result = next((r for r in done if (r['group'], r['step']) == (
                step['group'], step['step'])), dict(step, rc=None, error=(
                    f'never ran: the {family} batch process exited with {proc.returncode}; '
                    f'see {log.name}'), seconds=0.0, cpu_seconds=0.0))
            results.setdefault(step['group'], {})[step['step']] = result
    yield results
    for ckpt in glob.glob(osp.join(user, 'work_dirs', '**', '*.pth'), recursive=True):
        fs.remove_quietly(ckpt)


def _passed(result: dict) -> None:
    """Fail with the command and the tail of its error unless the step did what it must."""
    expected = result.get('expect_exit')
    ok = (result['rc'] not in (0, None) and expected in result['error']) if expected else (
        result['rc'] == 0)
    if not ok:
        cmd = ' '.join(result['argv'])
        pytest.fail(f'{result["step"]} failed (rc {result["rc"]}):\n  {cmd}\n'
                    f'{result["error"][-4000:]}', pytrace=False)


def _finite_metrics(path: str, keys) -> dict:
    with open(path) as f:
        metrics = json.load(f)
    missing = [k for k in keys if k not in metrics]
    assert not missing, f'{path} lacks {missing}: {sorted(metrics)}'
    assert all(math.isfinite(metrics[k]) for k in keys), metrics
    return metrics


def _expected_keys(cfg, family: str) -> list:
    """Metric keys ``tools/test.py --out`` must write for a config."""
    if family == 'sr':  # mmagic's metrics, one prefix per test set
        evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [
            cfg.test_evaluator]
        return [f'{m["prefix"]}/{m["type"].split(".")[-1]}' for e in evaluators
                for m in e['metrics'] if m.get('prefix')]
    return ['accuracy/top1']


def check_config(config: str, cfg, family: str, steps: dict, user: str) -> None:
    """The assertions on one config's steps (results of ``config_steps``)."""
    for name in ('train', 'test', 'sgn_mix', 'extract', 'student_test'):
        if name in steps:
            _passed(steps[name])
    work_dir = osp.join(user, steps['train']['work_dir'])
    ckpt = osp.join(user, fs.last_checkpoint(work_dir))
    meta = torch.load(ckpt, map_location='cpu', weights_only=True)['meta']
    unit, count = fs.run_length(cfg)
    assert meta['epoch' if unit == 'max_epochs' else 'iter'] == count, meta
    log = fs.run_log(work_dir)
    if family != 'translation':  # one validation, with the config's metric
        metric = METRIC[family]
        if str((cfg.get('val_cfg') or {}).get('type', '')).endswith('QATValLoop'):
            metric = f'qat.{metric}'  # MMRazor's QAT loop: the fake-quantized model's
        validations = [line for line in log.splitlines()
                       if '(val)' in line and f' {metric}: ' in line]
        assert len(validations) == 1, validations
    if 'test' in steps and family != 'translation':
        _finite_metrics(osp.join(work_dir, 'test_metrics.json'), _expected_keys(cfg, family))
    if 'sgn_mix' in steps:
        mixes = glob.glob(osp.join(work_dir, 'mix', '*'))
        assert len(mixes) == 1 and cv2.imread(mixes[0]).shape[2] == 3, mixes
    if 'extract' in steps:
        student = torch.load(osp.join(work_dir, 'student.pth'), map_location='cpu',
                             weights_only=True)['state_dict']
        assert student and not any(k.startswith(('student.', 'teacher.', 'net1.'))
                                   for k in student), sorted(student)[:5]
        plain = fs.load(steps['student_test']['argv'][1])
        _finite_metrics(osp.join(work_dir, 'student_metrics.json'),
                        _expected_keys(plain, 'sr' if family == 'sr' else 'cls'))


@pytest.mark.parametrize('config', fs.shipped_configs())
def test_full_scale_config(config, catalogue, runs, standin):
    cfg, family = catalogue[config]
    if family == 'cpu':
        pytest.skip('CPU-scale config (demo data): the tools tests train those')
    check_config(config, cfg, family, runs[config], standin['root'])


def test_every_full_scale_config_runs(catalogue, runs):
    """Each full-scale config has its train, test (and export) steps in the runs, and the
    stand-in holds every data root they read."""
    full = sorted(c for c, (_, family) in catalogue.items() if family != 'cpu')
    assert full and all(f in fs.FULL_SCALE_ROOTS.values()
                        for f in {catalogue[c][1] for c in full})
    assert [c for c in full if 'train' not in runs.get(c, {})] == []
    distill = [c for c in full if {'student', 'nets'} & set(catalogue[c][0].model)]
    assert [c for c in distill if 'student_test' not in runs[c]] == []


def test_standin_holds_every_data_root(catalogue, standin):
    roots = {root for cfg, family in catalogue.values() if family != 'cpu'
             for root in fs.data_roots(cfg)}
    assert roots and [r for r in sorted(roots)
                      if not osp.isdir(osp.join(standin['root'], r))] == []


def test_kd_on_compression(catalogue, runs, standin):
    configs = [osp.relpath(c, fs.REPO) for c in _kd_configs(catalogue)]
    assert len(configs) == 2, configs  # L1-norm pruning and LSQ QAT
    for config in configs:
        check_config(config, catalogue[config][0], 'kd', runs[config], standin['root'])


@pytest.mark.skipif(not osp.isfile(osp.join(osp.dirname(sys.executable), 'torchrun')),
                    reason='torchrun is not installed')
@pytest.mark.parametrize('family', sorted(DIST_CONFIGS))
def test_dist_train(family, catalogue, standin):
    """``tools/dist_train.sh CONFIG 2`` from the user's directory: two processes (gloo on
    CPU), two iterations, the checkpoint of rank 0. (Defined last: it runs after the
    batches, when its two processes have the cores.)"""
    config = DIST_CONFIGS[family]
    cfg = catalogue[config][0]
    user = standin['root']
    work_dir = osp.join('work_dirs', 'dist', family)
    options = fs.smoke_options(cfg, 'cls' if family == 'kd' else family, user, shrink=False)
    env_port = dict(PORT=str(free_port()))
    proc = fs.run([fs.DIST_TRAIN, osp.join(fs.REPO, config), '2', '--work-dir', work_dir,
                   '--cfg-options', *options], user, standin['site'], extra_env=env_port)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = fs.run_log(osp.join(user, work_dir))
    assert 'Distributed training: True' in log
    unit, count = fs.run_length(cfg)
    meta = torch.load(osp.join(user, fs.last_checkpoint(osp.join(user, work_dir))),
                      map_location='cpu', weights_only=True)['meta']
    assert meta['epoch' if unit == 'max_epochs' else 'iter'] == count
