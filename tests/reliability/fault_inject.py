"""Kill, resume, poison and split trainings of every algorithm; check what survives.

A test harness, run from the repository root:

    python -m tests.reliability.fault_inject kill [--cases lsfd afd ...] [--kills 3]
                                                  [--iters 12] [--seed 0] [--upstream-hook]
    python -m tests.reliability.fault_inject nan  [--cases ...] [--at 5]
    python -m tests.reliability.fault_inject dist [--cases ...] [--iters 5] [--batch B]

Every case is a shipped config run at CPU scale with ``tools/train.py`` (``dist``: with
``tools/dist_train.sh CONFIG 2``) through a derived config written next to the runs:
``_base_`` = the shipped config, a short schedule, one data-loading process, a fixed seed,
deterministic algorithms, a checkpoint every 2 iterations keeping only one (the hardest
case for a save that is interrupted), no validation. Teachers whose checkpoint is not on
disk are replaced by randomly initialised ones (a ``<name>_ckpt`` key of the model gets a
checkpoint of the model's ``<name>``; ``<name>_ckpts`` one per entry of ``<name>s``).

kill: an uninterrupted reference run; then the same run SIGKILLed ``--kills`` times at
    random iterations and once in the middle of a checkpoint write (the file is half
    written when the kill comes), each time restarted with ``--resume``. After every kill
    the checkpoint named by ``last_checkpoint`` must load; at the end the weights must equal
    the reference's exactly. ``--upstream-hook`` uses ``mmengine.CheckpointHook`` instead
    of mmkd_ext's, to show what a kill during a save does there.
nan: a weight (a teacher's when there is one, else the first network's) is set to NaN at
    iteration ``--at``; the run must stop with an error naming that iteration, the loss
    terms that went bad and the last good checkpoint.
dist: 2 processes x batch B against 1 process x batch 2B, same samples in the same order
    (random augmentations replaced by fixed crops); the per-iteration loss terms (the mean
    over the two processes) must agree within ``DIST_RTOL``. Networks with BatchNorm are
    compared with every BatchNorm layer in eval mode (both settings then compute the same
    function; SyncBatchNorm needs GPUs) and, for the record, in train mode too, where each
    process normalises its own B samples.

Adding a config is one line in ``CASES``. Writes ``report_<command>.json`` into the work
directory (default ``work_dirs/fault_inject``).
"""
import argparse
import builtins
import json
import os
import os.path as osp
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Dict, List, NamedTuple, Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: How the training processes import this module (``custom_imports`` of the derived config).
MODULE = 'tests.reliability.fault_inject'


class Case(NamedTuple):
    """A shipped config, the per-process batch B of the ``dist`` check, whether its networks
    use BatchNorm, and whether its ``dist`` curves can be compared at all."""
    config: str
    batch: int
    batchnorm: bool = False
    comparable: bool = True


#: One line per config. SGN draws each sample's mix s from torch's generator, seeded alike
#: in every process: 2 x B draws differ from 1 x 2B, so its curves are not compared. MMRazor's
#: LSQ estimates each step size from the first batch a process sees (the observers' min/max)
#: and averages the estimates over the processes: two halves of a batch give other step sizes
#: than the whole, so KD + QAT curves are not compared either.
CASES: Dict[str, Case] = {
    'lsfd': Case('configs/lsfd/lsfd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py', 4),
    'fitnet': Case('configs/fitnet/fitnet_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py', 4),
    'feed': Case('configs/feed/feed_2xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py', 16,
                 batchnorm=True),
    'afd': Case('configs/afd/afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py', 16, batchnorm=True),
    'sgn': Case('configs/sgn/sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo.py', 2,
                comparable=False),
    'kd': Case('configs/kd/kd_resnet8_resnet8-w8_1xb64-300_fashion-mnist-3c.py', 16,
               batchnorm=True),
    'kd-prune': Case('configs/kd/kd_resnet8_resnet8-l1prune50_1xb64-150_fashion-mnist-3c.py',
                     16, batchnorm=True),
    'kd-qat': Case('configs/kd/kd_resnet8_resnet8-lsq8bit_1xb64-100_fashion-mnist-3c.py', 16,
                   batchnorm=True, comparable=False),
}
#: ``dist`` tolerance: relative difference per loss term and iteration.
DIST_RTOL = 1e-4
DEFAULT_CASES = ['lsfd', 'feed', 'afd', 'sgn', 'kd', 'kd-prune', 'kd-qat']

ITER_LINE = re.compile(r'Iter\(train\) \[\s*(\d+)/(\d+)\]')
EPOCH_LINE = re.compile(r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\]')
#: Environment of a run whose checkpoint write must stop half way (see ``_stall_saves``).
STALL_ENV, MARKER_ENV = 'MMKD_FAULT_STALL_SAVE', 'MMKD_FAULT_MARKER'


# ----------------------------------------------------------------------------------------
# Inside the training processes (imported through the derived config's custom_imports)
# ----------------------------------------------------------------------------------------
def _stall_saves(name: str, marker: str) -> None:
    """Make the first binary write of a file whose name contains ``name`` write half its
    bytes, flush them, create ``marker`` and wait forever (for the SIGKILL)."""
    real_open = builtins.open

    class HalfWriter:

        def __init__(self, f):
            self._f = f

        def write(self, data):
            self._f.write(data[:len(data) // 2])
            self._f.flush()
            os.fsync(self._f.fileno())
            with real_open(marker, 'w') as m:
                m.write(self._f.name)
            while True:
                time.sleep(60)

        def __getattr__(self, attr):
            return getattr(self._f, attr)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._f.__exit__(*exc)

    def open_(file, mode='r', *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        if 'w' in mode and 'b' in mode and name in osp.basename(str(file)):
            return HalfWriter(f)
        return f

    builtins.open = open_


def _register_hook() -> None:
    import torch
    from mmengine.dist import get_rank
    from mmengine.hooks import Hook
    from mmengine.model import is_model_wrapper

    from mmkd_ext.registry import HOOKS

    @HOOKS.register_module(force=True)
    class FaultProbeHook(Hook):
        """Records each process's loss terms (``losses_rank{r}.json``); with ``nan_at``,
        sets one weight to NaN before that iteration (1-based); with ``bn_eval``, keeps
        every BatchNorm layer in eval mode (running statistics instead of the batch's)."""

        priority = 'VERY_HIGH'

        def __init__(self, nan_at: Optional[int] = None, bn_eval: bool = False):
            self.nan_at, self.bn_eval, self.rows = nan_at, bn_eval, []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            if self.bn_eval:  # after the loop's model.train() of this iteration
                for module in runner.model.modules():
                    if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                        module.eval()
            if self.nan_at is not None and runner.iter + 1 == self.nan_at:
                model = runner.model.module if is_model_wrapper(runner.model) else runner.model
                params = list(model.named_parameters())
                name, param = next(((n, p) for n, p in params if not p.requires_grad),
                                   params[0])
                with torch.no_grad():
                    param.view(-1)[0] = float('nan')
                runner.logger.warning(f'fault_inject: {name} set to NaN')

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            self.rows.append(dict(iter=runner.iter + 1, **{
                k: float(v) for k, v in (outputs or {}).items()}))

        def after_train(self, runner):
            path = osp.join(runner.work_dir, f'losses_rank{get_rank()}.json')
            with open(path, 'w') as f:
                json.dump(self.rows, f)


if __name__ != '__main__':  # imported by a training process
    if os.environ.get(STALL_ENV):
        _stall_saves(os.environ[STALL_ENV], os.environ[MARKER_ENV])
    _register_hook()


# ----------------------------------------------------------------------------------------
# The harness
# ----------------------------------------------------------------------------------------
def _env() -> Dict[str, str]:
    path = os.pathsep.join([REPO, os.environ.get('PYTHONPATH', '')])
    bin_dir = osp.dirname(sys.executable)
    return dict(os.environ, PYTHONPATH=path, OMP_NUM_THREADS='1',
                PATH=bin_dir + os.pathsep + os.environ.get('PATH', ''))


def stand_in_teachers(cfg, folder: str) -> Dict[str, object]:
    """Model options pointing every missing teacher checkpoint to a random-init one."""
    import torch

    from mmkd_ext.registry import MODELS
    model, options = cfg.model, {}
    for key, value in model.items():
        if key.endswith('_ckpt') and isinstance(value, str) and not osp.isfile(value):
            net_cfgs = {key[:-len('_ckpt')]: model.get(key[:-len('_ckpt')])}
        elif key.endswith('_ckpts') and isinstance(value, dict):
            nets = model.get(key[:-len('_ckpts')] + 's') or {}
            net_cfgs = {n: nets.get(n) for n, p in value.items()
                        if isinstance(p, str) and not osp.isfile(p)}
        else:
            continue
        paths = {}
        for name, net_cfg in net_cfgs.items():
            torch.manual_seed(0)
            paths[name] = osp.join(folder, f'stand_in_{name}.pth')
            os.makedirs(folder, exist_ok=True)
            torch.save({'state_dict': MODELS.build(net_cfg).state_dict()}, paths[name])
        options[key] = paths[next(iter(paths))] if key.endswith('_ckpt') else paths
    return options


def _fixed_crops(pipeline: list) -> list:
    """The train pipeline without random choices: random crops become centre crops of the
    same sizes (a paired one: LR = GT size / the ``scale`` that ``SetValues`` sets), other
    random transforms (flips, transposes, padded crops) are dropped."""
    scale, out = 1, []
    for t in pipeline:
        kind = t['type'].split('.')[-1]
        scope = t['type'][:-len(kind)]
        if kind == 'SetValues':
            scale = t['dictionary'].get('scale', scale)
        if kind == 'PairedRandomCrop':
            gt = t['gt_patch_size']
            out += [dict(type=scope + 'Crop', keys=['gt'], crop_size=(gt, gt), random_crop=False),
                    dict(type=scope + 'Crop', keys=['img'], crop_size=(gt // scale, ) * 2,
                         random_crop=False)]
        elif t.get('random_crop'):  # mmagic.Crop(random_crop=True)
            out.append(dict(t, random_crop=False))
        elif not ('Random' in kind or 'Flip' in kind):
            out.append(t)
    return out


def epoch_based(case: Case) -> bool:
    """Whether the case's training loop counts epochs (MMRazor's QAT loops do)."""
    from mmengine.config import Config
    return 'max_epochs' in Config.fromfile(osp.join(REPO, case.config)).train_cfg


def checkpoint_name(case: Case, iteration: int) -> str:
    """The checkpoint written after ``iteration`` (every 2 iterations, see derive_config)."""
    return f'epoch_{iteration // 2}.pth' if epoch_based(case) else f'iter_{iteration}.pth'


def derive_config(case: Case, folder: str, iters: int, batch: Optional[int] = None,
                  fixed_crops: bool = False, upstream_hook: bool = False,
                  nan_at: Optional[int] = None, bn_eval: bool = False, procs: int = 1) -> str:
    """Write ``folder/config.py``: the CPU-scale, deterministic version of ``case``, with a
    checkpoint every 2 iterations (an epoch-based loop gets epochs of 2 iterations: the
    first ``2 x batch x procs`` training images)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO, case.config))
    model = stand_in_teachers(cfg, osp.join(folder, 'teachers'))
    dataloader, dataset = dict(num_workers=0, persistent_workers=False), {}
    if batch:
        dataloader['batch_size'] = batch
    if fixed_crops:
        dataset['pipeline'] = _fixed_crops(cfg.train_dataloader.dataset.pipeline)
    checkpoint = dict(interval=2, max_keep_ckpts=1, save_last=True, save_best=None)
    train_cfg = dict(max_iters=iters, val_interval=10**9)
    if 'max_epochs' in cfg.train_cfg:
        dataset['indices'] = 2 * (batch or cfg.train_dataloader.batch_size) * procs
        checkpoint.update(interval=1, by_epoch=True)
        train_cfg = dict(max_epochs=iters // 2)
    if dataset:
        dataloader['dataset'] = dataset
    if upstream_hook:
        checkpoint['type'] = 'mmengine.CheckpointHook'
    values = dict(
        _base_=osp.join(REPO, case.config),
        model=model,
        train_dataloader=dataloader,
        train_cfg=train_cfg,
        default_hooks=dict(logger=dict(interval=1), checkpoint=checkpoint),
        log_processor=dict(window_size=1),
        custom_hooks=[dict(type='FaultProbeHook', nan_at=nan_at, bn_eval=bn_eval)],
        custom_imports=dict(imports=[MODULE], allow_failed_imports=False),
        randomness=dict(seed=0, deterministic=True),
    )
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, 'config.py')
    with open(path, 'w') as f:
        for key, value in values.items():
            f.write(f'{key} = {value!r}\n')
    return path


def launch(config: str, work_dir: str, env: Optional[dict] = None,
           procs: int = 1) -> subprocess.Popen:
    """``tools/train.py CONFIG --work-dir W --resume --no-validate`` (or dist_train.sh)."""
    args = [config, '--work-dir', work_dir, '--resume', '--no-validate']
    if procs > 1:
        cmd = ['bash', osp.join(REPO, 'tools', 'dist_train.sh'), config, str(procs), *args[1:]]
    else:
        cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), *args]
    return subprocess.Popen(cmd, cwd=REPO, env=env or _env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def finish(proc: subprocess.Popen, what: str) -> str:
    out = proc.communicate()[0]
    if proc.returncode != 0:
        raise RuntimeError(f'{what} failed ({proc.returncode}):\n{out[-4000:]}')
    return out


def kill_at_iteration(config: str, work_dir: str, at: int, rng: random.Random) -> dict:
    """SIGKILL a (resumed) run soon after it logs iteration ``at``."""
    proc = launch(config, work_dir)
    for line in proc.stdout:
        match, epoch = ITER_LINE.search(line), EPOCH_LINE.search(line)
        done = int(match.group(1)) if match else None
        if epoch:
            done = (int(epoch.group(1)) - 1) * int(epoch.group(3)) + int(epoch.group(2))
        if done is not None and done >= at:
            time.sleep(rng.uniform(0, 0.3))  # somewhere in the next steps or the save
            os.killpg(proc.pid, signal.SIGKILL)
            break
    proc.communicate()
    if proc.returncode != -signal.SIGKILL:
        raise RuntimeError(f'the run ended ({proc.returncode}) before iteration {at}')
    return dict(kind='iteration', at=at)


def kill_during_save(config: str, work_dir: str, name: str, timeout: float = 600) -> dict:
    """SIGKILL a (resumed) run while it has written half of the checkpoint ``name``."""
    marker = osp.join(work_dir, 'stalled_write')
    if osp.exists(marker):
        os.remove(marker)
    proc = launch(config, work_dir, env=dict(_env(), **{STALL_ENV: name, MARKER_ENV: marker}))
    start = time.time()
    while not osp.exists(marker):
        if proc.poll() is not None or time.time() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError(f'the run never wrote {name}:\n{proc.communicate()[0][-3000:]}')
        time.sleep(0.1)
    with open(marker) as f:
        written = f.read()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    return dict(kind='save', at=name, half_written=osp.basename(written))


def checkpoint_state(work_dir: str) -> dict:
    """What ``--resume`` would find: the checkpoint ``last_checkpoint`` names, whether it
    loads (through mmengine, hence the weights-only allow-list) and its iteration."""
    from mmengine.runner.checkpoint import CheckpointLoader
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.exists(pointer):
        return dict(last_checkpoint=None, loadable=None)
    with open(pointer) as f:
        path = f.read().strip()
    state = dict(last_checkpoint=osp.basename(path))
    try:
        ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
        state.update(loadable=True, iter=ckpt['meta']['iter'])
    except Exception as error:  # noqa: BLE001  (any failure is the finding)
        state.update(loadable=False, error=f'{type(error).__name__}: {error}'[:300])
    state['partial_files'] = sorted(n for n in os.listdir(work_dir) if n.endswith('.partial'))
    return state


def _tensors(value, prefix: str = '') -> Dict[str, object]:
    """Flatten a state dict whose extra states hold dicts / lists of tensors."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(_tensors(v, f'{prefix}{k}.'))
        return out
    if isinstance(value, (list, tuple)):
        return _tensors(dict(enumerate(value)), prefix)
    return {prefix[:-1]: value}


def compare_weights(path_a: str, path_b: str) -> dict:
    import torch
    a = _tensors(torch.load(path_a, map_location='cpu')['state_dict'])
    b = _tensors(torch.load(path_b, map_location='cpu')['state_dict'])
    if set(a) != set(b):
        return dict(identical=False, reason=f'different keys: {sorted(set(a) ^ set(b))[:5]}')
    diffs = []
    for k, x in a.items():
        if not isinstance(x, torch.Tensor):
            if x != b[k]:
                diffs.append((k, float('nan')))
        elif not torch.equal(x, b[k]):
            diffs.append((k, (x.double() - b[k].double()).abs().max().item()
                          if x.shape == b[k].shape else float('inf')))
    return dict(identical=not diffs, tensors=len(a), differing=len(diffs),
                max_abs_diff=max((d for _, d in diffs), default=0.0))


def run_kill(name: str, case: Case, root: str, iters: int, kills: int, rng: random.Random,
             upstream_hook: bool = False) -> dict:
    folder = osp.join(root, name)
    config = derive_config(case, folder, iters, batch=None, upstream_hook=upstream_hook)
    ref_dir, run_dir = osp.join(folder, 'reference'), osp.join(folder, 'killed')
    shutil.rmtree(run_dir, ignore_errors=True)  # a previous harness run's
    last = checkpoint_name(case, iters)
    if not osp.exists(osp.join(ref_dir, last)):
        finish(launch(config, ref_dir), f'{name} reference run')
    saves = list(range(2, iters, 2))
    save_at = rng.choice(saves[1:] or saves)  # not the first: the previous one must survive
    # iteration kills before the last two iterations (later ones may find the run finished)
    # and not at the stalled save's iteration (a resumed run would not write it again)
    candidates = [k for k in range(1, iters - 1) if k != save_at]
    events = [('iteration', k) for k in rng.sample(candidates, min(kills, len(candidates)))]
    events.append(('save', save_at))
    events.sort(key=lambda e: (e[1], e[0] == 'save'))
    log = []
    for kind, at in events:
        if kind == 'iteration':
            event = kill_at_iteration(config, run_dir, at, rng)
        else:
            event = kill_during_save(config, run_dir, checkpoint_name(case, at))
        event.update(checkpoint_state(run_dir))
        log.append(event)
        print(f'  {name}: killed at {kind} {at}: {event}', flush=True)
    final = checkpoint_state(run_dir)
    if final.get('loadable') is False:
        return dict(config=case.config, kills=log, resumed=False, final=final)
    finish(launch(config, run_dir), f'{name} resumed run')
    result = compare_weights(osp.join(ref_dir, last), osp.join(run_dir, last))
    survived = sum(1 for e in log if e.get('loadable') is not False)
    return dict(config=case.config, kills=log, survived=survived, resumed=True, **result)


def _losses(work_dir: str, procs: int) -> List[Dict[str, float]]:
    ranks = []
    for r in range(procs):
        with open(osp.join(work_dir, f'losses_rank{r}.json')) as f:
            ranks.append(json.load(f))
    return [{k: sum(rows[i][k] for rows in ranks) / procs for k in ranks[0][i] if k != 'iter'}
            for i in range(len(ranks[0]))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _compare_runs(case: Case, folder: str, iters: int, batch: int, bn_eval: bool) -> dict:
    curves = {}
    for procs, b in ((1, 2 * batch), (2, batch)):
        sub = osp.join(folder, f'{procs}x{b}' + ('_bn-eval' if bn_eval else ''))
        config = derive_config(case, sub, iters, batch=b, fixed_crops=True, bn_eval=bn_eval,
                               procs=procs)
        env = dict(_env(), PORT=str(_free_port()))
        if not osp.exists(osp.join(sub, 'work', f'losses_rank{procs - 1}.json')):
            try:
                finish(launch(config, osp.join(sub, 'work'), env=env, procs=procs),
                       f'{procs} process(es)')
            except RuntimeError as error:  # the first exception a process raised
                lines = [line for line in str(error).splitlines()
                         if re.search(r'\w+(Error|Exception): ', line)]
                return dict(error=(lines or [str(error)])[0][-400:])
        curves[procs] = _losses(osp.join(sub, 'work'), procs)
    rel = [max(abs(a[k] - b[k]) / max(abs(a[k]), 1e-8) for k in a)
           for a, b in zip(curves[1], curves[2])]
    return dict(max_rel_diff_per_iter=[float(f'{r:.3g}') for r in rel],
                one_process=curves[1], two_processes=curves[2])


def run_dist(name: str, case: Case, root: str, iters: int, batch: Optional[int]) -> dict:
    batch = batch or case.batch
    folder = osp.join(root, name)
    result = dict(config=case.config, batch=batch, iters=iters, rtol=DIST_RTOL)
    checked = _compare_runs(case, folder, iters, batch, bn_eval=case.batchnorm)
    result.update(checked)
    if 'error' not in checked and case.comparable:
        result['within_tolerance'] = max(checked['max_rel_diff_per_iter']) <= DIST_RTOL
    if case.batchnorm:  # for the record: per-process statistics
        train_bn = _compare_runs(case, folder, iters, batch, bn_eval=False)
        result['batchnorm_train_mode'] = {k: v for k, v in train_bn.items()
                                          if k not in ('one_process', 'two_processes')}
    return result


def run_nan(name: str, case: Case, root: str, at: int) -> dict:
    folder = osp.join(root, name)
    config = derive_config(case, folder, iters=at + 2, nan_at=at)
    proc = launch(config, osp.join(folder, 'work'))
    out = proc.communicate()[0]
    error = next((line for line in out.splitlines() if 'Training stopped' in line), '')
    expected = [f'iteration {at}:', f'last good checkpoint: {osp.join(folder, "work")}']
    return dict(config=case.config, returncode=proc.returncode, message=error.strip(),
                names_iteration_and_checkpoint=all(e in error for e in expected))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('command', choices=['kill', 'nan', 'dist'])
    parser.add_argument('--cases', nargs='+', default=DEFAULT_CASES, choices=sorted(CASES))
    parser.add_argument('--work-dir', default=osp.join(REPO, 'work_dirs', 'fault_inject'))
    parser.add_argument('--iters', type=int, default=None,
                        help='iterations per run (kill: 12, nan: at + 2, dist: 5)')
    parser.add_argument('--kills', type=int, default=3, help='kills at random iterations')
    parser.add_argument('--seed', type=int, default=0, help='seed of the kill plan')
    parser.add_argument('--upstream-hook', action='store_true',
                        help="kill: use mmengine.CheckpointHook instead of mmkd_ext's")
    parser.add_argument('--at', type=int, default=5, help='nan: the poisoned iteration')
    parser.add_argument('--batch', type=int, default=None, help='dist: per-process batch B')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import mmkd_ext  # noqa: F401  (compat first: checkpoints load through the allow-list)
    root = osp.abspath(osp.join(args.work_dir, args.command + (
        '_upstream' if args.upstream_hook else '')))
    rng = random.Random(args.seed)
    path = osp.join(root, f'report_{args.command}.json')
    report = {}
    if osp.exists(path):  # runs of other cases stay in the report
        with open(path) as f:
            report = json.load(f)
    for name in args.cases:
        start = time.time()
        try:
            if args.command == 'kill':
                report[name] = run_kill(name, CASES[name], root, args.iters or 12, args.kills,
                                        rng, args.upstream_hook)
            elif args.command == 'nan':
                report[name] = run_nan(name, CASES[name], root, args.at)
            else:
                report[name] = run_dist(name, CASES[name], root, args.iters or 5, args.batch)
        except RuntimeError as error:  # a run that failed: reported, the other cases go on
            report[name] = dict(config=CASES[name].config, error=str(error)[-2000:])
        report[name]['seconds'] = round(time.time() - start)
        summary = {k: v for k, v in report[name].items()
                   if k not in ('kills', 'one_process', 'two_processes')}
        print(f'{name}: {summary}', flush=True)
    os.makedirs(root, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(report, f, indent=2)
    print(f'report: {path}')


if __name__ == '__main__':
    main()
