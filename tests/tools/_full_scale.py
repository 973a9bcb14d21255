"""The shipped full-scale configs and the command lines that run them on the stand-in data
(``tests/_standin_data.py``) from a user's working directory.

A config is full scale when its training data root is a standard data set
(``FULL_SCALE_ROOTS``); the CPU-scale configs read the package's demo data
(``CPU_SCALE_ROOTS``). A config with any other root fails ``classify``: its data set needs a
stand-in first. The options only shrink what ``--cfg-options`` sizes (iterations, batch,
workers, crops, hook intervals) and, where CPU time demands it, network depth; teachers
without a checkpoint on disk are random (``model.teacher_ckpt=None``).
"""
import glob
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, Iterator, List, Optional, Tuple

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO, 'tools')
TRAIN, TEST = osp.join(TOOLS, 'train.py'), osp.join(TOOLS, 'test.py')
EXTRACT = osp.join(TOOLS, 'model_converters', 'extract_student.py')
DIST_TRAIN = osp.join(TOOLS, 'dist_train.sh')
BATCH = osp.join(osp.dirname(osp.abspath(__file__)), '_tool_batch.py')

#: Training data root -> family of the full-scale configs.
FULL_SCALE_ROOTS = {'data/DIV2K': 'sr', 'data/cifar100': 'cls', 'data/cyclegan': 'translation'}
#: Training data roots of the CPU-scale configs (demo data, tools/prepare_data.py).
CPU_SCALE_ROOTS = ('data/sr_demo', 'data/fashion_mnist', 'data/translation')
#: HR crop of the SR configs (divides by 2, 3 and 4: LR crops of 24, 16 and 12 pixels).
SR_CROP = 48
#: Shorter side and crop of the translation configs (their full scale: 286 and 256).
TRANSLATION_LOAD, TRANSLATION_CROP = 72, 64


def shipped_configs() -> List[str]:
    """Every shipped config, relative to the checkout (``_base_`` folders excluded)."""
    paths = glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    return sorted(osp.relpath(p, REPO) for p in paths if '_base_' not in p.split(os.sep))


def _datasets(dataset) -> Iterator[dict]:
    """A dataset config and the datasets it wraps."""
    if isinstance(dataset, dict):
        yield dataset
        for inner in [dataset.get('dataset'), *(dataset.get('datasets') or [])]:
            yield from _datasets(inner)


def _loaders(cfg, field: str) -> List[dict]:
    loaders = cfg.get(field)
    return [] if not loaders else list(loaders) if isinstance(loaders, list) else [loaders]


def data_roots(cfg, fields=('train_dataloader', 'val_dataloader', 'test_dataloader')) -> set:
    """The local ``data_root`` of every dataset of the dataloaders ``fields``."""
    return {osp.normpath(d['data_root']) for field in fields for loader in _loaders(cfg, field)
            for d in _datasets(loader.get('dataset')) if d.get('data_root')}


def classify(cfg) -> str:
    """``'sr'``, ``'cls'``, ``'translation'`` (full scale) or ``'cpu'``; ValueError for a
    config whose training data no stand-in covers."""
    roots = data_roots(cfg, ('train_dataloader', ))
    families = {FULL_SCALE_ROOTS.get(r, 'cpu' if r in CPU_SCALE_ROOTS else None) for r in roots}
    if len(families) != 1 or None in families:
        raise ValueError(f'training data roots {sorted(roots)} are neither a full-scale root '
                         f'{sorted(FULL_SCALE_ROOTS)} nor a CPU-scale one {CPU_SCALE_ROOTS}: '
                         'add a stand-in of that layout to tests/_standin_data.py')
    return families.pop()


def load(config: str):
    from mmengine.config import Config

    import mmkd_ext  # noqa: F401  (the mmkd_ext:: package and compat shims)
    return Config.fromfile(osp.join(REPO, config))


def _walk(value, key: str = '') -> Iterator[Tuple[str, object]]:
    """(dotted key, value) of every leaf of a config value; list items by index."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, (list, tuple)) else None
    if items is None:
        yield key, value
        return
    for k, v in items:
        yield from _walk(v, f'{key}.{k}' if key else str(k))


def checkpoint_options(cfg, user_dir: str, teachers: bool = True) -> List[str]:
    """Checkpoints the model names by a path relative to the working directory: kept when
    there (the stand-in's VGG16), the checkout's file when shipped (a user outside the
    checkout names it), None for a teacher without one (a random teacher; ``teachers=False``
    leaves those out); AssertionError for any other missing file."""
    options = []
    for key, value in _walk(cfg.model, 'model'):
        if not (isinstance(value, str) and value.endswith('.pth')) or osp.isabs(value):
            continue
        if osp.isfile(osp.join(user_dir, value)):
            continue
        if osp.isfile(osp.join(REPO, value)):
            options.append(f'{key}={osp.join(REPO, value)}')
        elif 'teacher_ckpt' in key:
            options += [f'{key}=None'] if teachers else []
        else:
            raise AssertionError(f'{key}={value} is neither in the stand-in nor shipped')
    return options


def run_length(cfg) -> Tuple[str, int]:
    """``('max_iters', 2)``, or ``('max_epochs', 1)`` for epoch loops (two iterations of
    the stand-in's 8 training samples at batch 4; MMRazor's QAT loop counts epochs)."""
    return ('max_epochs', 1) if 'max_epochs' in cfg.train_cfg else ('max_iters', 2)


def loop_options(cfg) -> List[str]:
    """Two training iterations, one validation at the end, a checkpoint there, a log line
    per iteration."""
    unit, count = run_length(cfg)
    options = [f'train_cfg.{unit}={count}', f'default_hooks.checkpoint.interval={count}',
               'default_hooks.logger.interval=1']
    if cfg.get('val_cfg'):
        options.append(f'train_cfg.val_interval={count}')
    return options


def loader_options(cfg, train_batch: int = 2, eval_batch: int = 4) -> List[str]:
    """Small batches and no worker processes in every dataloader, lists included."""
    options = []
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loaders = cfg.get(field)
        prefixes = [f'{field}.{i}' for i in range(len(loaders))] if isinstance(
            loaders, list) else [field] if loaders else []
        for prefix, loader in zip(prefixes, _loaders(cfg, field)):
            batch = train_batch if field == 'train_dataloader' else eval_batch
            options += [f'{prefix}.batch_size={min(batch, loader.get("batch_size", 1))}',
                        f'{prefix}.num_workers=0', f'{prefix}.persistent_workers=False']
    return options


def crop_options(cfg) -> List[str]:
    """Small training crops: SR HR patches of ``SR_CROP``; translation images resized to
    ``TRANSLATION_LOAD`` and cropped to ``TRANSLATION_CROP``."""
    options = []
    pipeline = cfg.train_dataloader.dataset.get('pipeline') or []
    for i, step in enumerate(pipeline):
        kind = str(step.get('type', '')).split('.')[-1]
        prefix = f'train_dataloader.dataset.pipeline.{i}'
        if kind == 'PairedRandomCrop':
            options.append(f'{prefix}.gt_patch_size={SR_CROP}')
        elif kind == 'Resize' and 'scale' in step:
            options.append(f'{prefix}.scale=({TRANSLATION_LOAD},-1)')
        elif kind == 'Crop':
            options.append(f'{prefix}.crop_size=({TRANSLATION_CROP},{TRANSLATION_CROP})')
    return options


def hook_options(cfg) -> List[str]:
    """Custom hooks with an interval fire at the last iteration (pictures at 64 pixels)."""
    options = []
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        if 'interval' in hook:
            options.append(f'custom_hooks.{i}.interval={run_length(cfg)[1]}')
        if 'size' in hook:
            options.append(f'custom_hooks.{i}.size={TRANSLATION_CROP}')
    return options


#: Depth options of a shrunk SR generator, by generator type.
SR_SHRINK = {'EDSRNet': dict(num_blocks=2), 'RCANNet': dict(num_groups=2, num_blocks=2)}


def sr_generators(cfg) -> Dict[str, dict]:
    """``{dotted key: generator config}`` of an SR config (plain or distillation)."""
    found = {}
    for key in ('model', 'model.student', 'model.teacher'):
        node = cfg.to_dict() if hasattr(cfg, 'to_dict') else cfg
        for part in key.split('.'):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get('generator'), dict):
            found[f'{key}.generator'] = node['generator']
    return found


def shrink_options(cfg, family: str) -> List[str]:
    """Fewer blocks for the SR networks (the only ones CPU time demands it for)."""
    if family != 'sr':
        return []
    options = []
    for key, generator in sr_generators(cfg).items():
        kind = generator['type'].split('.')[-1]
        if kind not in SR_SHRINK:
            raise AssertionError(f'{key}: no shrink rule for {generator["type"]}; add one to '
                                 'SR_SHRINK')
        options += [f'{key}.{k}={v}' for k, v in SR_SHRINK[kind].items()]
    return options


def smoke_options(cfg, family: str, user_dir: str, shrink: bool) -> List[str]:
    """Every ``--cfg-options`` entry of a config's two-iteration run."""
    eval_batch = 1 if family == 'sr' else 4  # SR test images differ in size
    return (loop_options(cfg) + loader_options(cfg, eval_batch=eval_batch) + crop_options(cfg)
            + hook_options(cfg) + checkpoint_options(cfg, user_dir)
            + (shrink_options(cfg, family) if shrink else []))


def tool_env(user_dir: str, site: Optional[str] = None) -> Dict[str, str]:
    """The environment of the subprocesses: one OpenMP thread, this interpreter first on
    PATH (the shell scripts run ``python``), the stand-in's ``sitecustomize`` when given."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PATH=osp.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    if site:
        env['PYTHONPATH'] = os.pathsep.join(p for p in (site, env.get('PYTHONPATH')) if p)
    return env


def run(cmd: List[str], user_dir: str, site: Optional[str] = None, timeout: int = 600,
        extra_env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """``cmd`` as a user runs it from ``user_dir`` (a ``.sh`` script through bash)."""
    cmd = ['bash', *cmd] if cmd[0].endswith('.sh') else cmd
    return subprocess.run(cmd, cwd=user_dir, env=dict(tool_env(user_dir, site), **(
        extra_env or {})), capture_output=True, text=True, timeout=timeout)


def remove_quietly(path: str) -> None:
    """Remove a (large) file the runs left; a missing one is fine."""
    try:
        os.remove(path)
    except OSError:
        pass


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint named in ``work_dir/last_checkpoint`` (written by CheckpointHook)."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def run_log(work_dir: str) -> str:
    """Text of every ``<timestamp>/<timestamp>.log`` under ``work_dir``, oldest first."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.log')))
    assert logs, f'no log under {work_dir}'
    return ''.join(open(p).read() for p in logs)


def mmagic_config(name: str) -> str:
    """Path of one of mmagic's own configs (``mmagic/.mim/configs/<name>``)."""
    import mmagic
    return osp.join(osp.dirname(mmagic.__file__), '.mim', 'configs', name)


#: Plain configs of the SR students, by generator type: mmagic's EDSR (scale filled in)
#: and the shipped RCAN; the student's depth and width go in as options.
SR_STUDENT_CONFIGS = {
    'EDSRNet': lambda scale: mmagic_config(f'edsr/edsr_x{scale}c64b16_1xb16-300k_div2k.py'),
    'RCANNet': lambda scale: osp.join(REPO, 'configs', 'rcan',
                                      'rcan_x4g10b20c64_1xb16-300k_div2k.py'),
}


def _sr_student_config(cfg, shrink: bool) -> Tuple[str, List[str]]:
    student = cfg.model.student.generator
    kind = student.type.split('.')[-1]
    if kind not in SR_STUDENT_CONFIGS:
        raise AssertionError(f'no plain config for an SR student {student.type}: add one to '
                             'SR_STUDENT_CONFIGS')
    path = SR_STUDENT_CONFIGS[kind](student.upscale_factor)
    plain = load(path).model.generator
    sizes = dict(student, **(SR_SHRINK[kind] if shrink else {}))
    return path, [f'model.generator.{k}={sizes[k]}'
                  for k in ('mid_channels', 'num_blocks', 'num_groups')
                  if k in sizes and sizes[k] != plain.get(k)]


def _same_model(a, b) -> bool:
    strip = ('data_preprocessor', '_scope_')
    return {k: v for k, v in a.items() if k not in strip} == {
        k: v for k, v in b.items() if k not in strip}


def _afd_net_config(config: str, cfg, user_dir: str, net: int) -> str:
    """A user's config for network ``net`` of an AFD config: the shipped plain CIFAR-100
    classifier config with that network as its model."""
    path = osp.join(user_dir, f'{osp.splitext(osp.basename(config))[0]}_net{net}.py')
    base = osp.join(REPO, 'configs', 'feed', 'resnet56_1xb128-78k_cifar100.py')
    with open(path, 'w') as f:
        f.write(f'_base_ = {base!r}\n'
                f'model = dict(_delete_=True, **{cfg.model.nets[net].to_dict()!r})\n')
    return path


def student_test(config: str, cfg, family: str, user_dir: str, shrink: bool,
                 catalogue: Dict[str, Tuple[object, str]]) -> Tuple[List[str], str, List[str]]:
    """How the network a distillation config trains is exported and tested alone:
    (extract_student.py options, plain config, its options). None for one-network
    configs."""
    model = cfg.model
    if 'nets' in model:  # online distillation (AFD, DML): network 0, the evaluated one
        return ['--net', '0'], _afd_net_config(config, cfg, user_dir, 0), []
    if 'student' not in model:
        return None
    if family == 'sr':
        path, options = _sr_student_config(cfg, shrink)
        return [], path, options
    plain = [name for name, (other, _) in catalogue.items()
             if 'student' not in other.model and 'nets' not in other.model
             and data_roots(other) == data_roots(cfg) and _same_model(other.model, model.student)]
    if not plain:
        raise AssertionError(f'{config}: no shipped config has its student as model')
    return [], osp.join(REPO, plain[0]), []


def config_steps(config: str, cfg, family: str, user_dir: str, shrink: bool,
                 catalogue: Dict[str, Tuple[object, str]], site: Optional[str] = None
                 ) -> List[dict]:
    """The command lines of one config, as ``_tool_batch.py`` plan entries: train, test
    the checkpoint, and for distillation configs extract the student and test it with its
    plain config; SGN (no test set) translates a photo with ``tools/sgn_mix.py``."""
    work_dir = osp.join('work_dirs', osp.splitext(config)[0].split(os.sep, 1)[1])
    unit, count = run_length(cfg)
    ckpt = osp.join(work_dir, f'{"epoch" if unit == "max_epochs" else "iter"}_{count}.pth')
    options = smoke_options(cfg, family, user_dir, shrink)
    path = osp.join(REPO, config)
    # the checkpoint's networks and the shipped files the model loads as training had them;
    # teachers come from the checkpoint (tools/test.py drops their checkpoint paths)
    test_options = (loader_options(cfg, eval_batch=1 if family == 'sr' else 4)
                    + (shrink_options(cfg, family) if shrink else [])
                    + checkpoint_options(cfg, user_dir, teachers=False))
    steps = [
        dict(step='train', argv=[TRAIN, path, '--work-dir', work_dir, '--cfg-options',
                                 *options]),
        dict(step='test', argv=[TEST, path, ckpt, '--work-dir', osp.join(work_dir, 'test'),
                                '--out', osp.join(work_dir, 'test_metrics.json'),
                                '--cfg-options', *test_options]),
    ]
    if family == 'translation':
        photo = sorted(glob.glob(osp.join(user_dir, 'data', 'cyclegan', 'vangogh2photo',
                                          'testB', '*.jpg')))[0]
        names = [t.get('name') or t.get('domain') for t in cfg.model.terms]
        steps[1]['expect_exit'] = 'nothing to test'
        steps.append(dict(step='sgn_mix', argv=[
            osp.join(TOOLS, 'sgn_mix.py'), path, ckpt, photo, '--mix',
            f'{names[0]}=0.5,{names[1]}=0.5', '--out', osp.join(work_dir, 'mix')]))
    exported = student_test(config, cfg, family, user_dir, shrink, catalogue)
    if exported is not None:
        extract_args, plain, plain_options = exported
        student = osp.join(work_dir, 'student.pth')
        plain_cfg = load(plain)
        steps += [
            dict(step='extract', argv=[EXTRACT, ckpt, student, *extract_args]),
            dict(step='student_test', argv=[
                TEST, plain, student, '--work-dir', osp.join(work_dir, 'student_test'),
                '--out', osp.join(work_dir, 'student_metrics.json'), '--cfg-options',
                *loader_options(plain_cfg, eval_batch=1 if family == 'sr' else 4),
                *checkpoint_options(plain_cfg, user_dir), *plain_options]),
        ]
    for step in steps:
        step.update(group=config, work_dir=work_dir)
    return steps

