"""Sequential FEED: train N generations, each distilled from the previous generation.

    python tools/feed_sequential.py CONFIG --generations 3 [--work-dir DIR] \
        [--teacher-from best|last] [--first-teacher CKPT] [--cfg-options KEY=VALUE ...]

CONFIG is a FEED config with one teacher whose architecture is the student's (e.g.
``configs/feed/feed_1xresnet8-w8_resnet8-w8_1xb64-1k_fashion-mnist.py``). Generation 1 learns
from the config's teacher checkpoint (or ``--first-teacher``); generation g + 1 learns from
generation g's best checkpoint (``--teacher-from last``: its last one), whose ``student.``
weights are loaded into the teacher. Every generation trains in ``DIR/gen<g>`` and keeps its
checkpoints; ``DIR/chain.json`` records each finished generation (teacher, checkpoint, last
validation metrics, best score). Re-running the command skips finished generations and
resumes an interrupted one from its last checkpoint, so a chain can be extended
(``--generations 5`` after 3) or restarted after a stop. A table of the generations is
printed at the end.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional

import mmkd_ext  # noqa: F401  (compat shims first)
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from train import missing_data_roots  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a FEED config with one teacher')
    parser.add_argument('--generations', type=int, required=True, help='N >= 1')
    parser.add_argument('--work-dir', help='default: ./work_dirs/<config name>_seq')
    parser.add_argument('--teacher-from', choices=['best', 'last'], default='best',
                        help="which checkpoint of generation g teaches g + 1 (default: best)")
    parser.add_argument('--first-teacher', help="generation 1's teacher checkpoint "
                        "(default: the config's teacher_ckpts)")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, as key=value pairs')
    args = parser.parse_args(argv)
    if args.generations < 1:
        parser.error(f'--generations must be >= 1, got {args.generations}')
    return args


def teacher_name(cfg: Config) -> str:
    """The name of the config's single teacher, whose architecture must be the student's."""
    model = cfg.model
    if model.get('type') != 'FEED' or len(model.get('teachers') or {}) != 1:
        sys.exit(f'error: sequential FEED needs a FEED config with exactly one teacher; '
                 f'{cfg.filename} has type {model.get("type")!r} and teachers '
                 f'{sorted(model.get("teachers") or {})}')
    name = next(iter(model.teachers))

    def arch(net):
        return {k: v for k, v in net.to_dict().items() if k != 'data_preprocessor'}

    if arch(model.teachers[name]) != arch(model.student):
        sys.exit(f'error: the teacher {name!r} of {cfg.filename} is not the student\'s '
                 'architecture; generation g + 1 loads generation g\'s student as its teacher')
    return name


def pick_checkpoint(work_dir: str, which: str) -> str:
    """The best (``best_*.pth``, written by ``save_best``) or the last checkpoint."""
    if which == 'best':
        best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')), key=osp.getmtime)
        if best:
            return best[-1]
        sys.exit(f'error: {work_dir} has no best_*.pth: set `save_best` in the checkpoint '
                 'hook (the FEED configs do) or use --teacher-from last')
    last = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(last):
        sys.exit(f'error: {work_dir} has no last_checkpoint: the generation did not save one')
    with open(last) as f:
        return f.read().strip()


def last_val_metrics(work_dir: str) -> Dict[str, float]:
    """The metrics of the last validation logged under ``work_dir`` (empty without one)."""
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    for path in reversed(runs):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        vals = [r for r in rows if not any(k.startswith(('loss', 'lr')) for k in r)]
        if vals:
            return {k: v for k, v in vals[-1].items()
                    if k not in ('step', 'iter', 'epoch', 'time', 'data_time')}
    return {}


def best_score(checkpoint: str) -> Optional[float]:
    """The best validation score recorded by ``CheckpointHook(save_best=...)``, if any."""
    from mmengine.runner.checkpoint import _load_checkpoint
    hub = _load_checkpoint(checkpoint, map_location='cpu').get('message_hub') or {}
    score = (hub.get('runtime_info') or {}).get('best_score')
    return None if score is None else float(score)


def train_generation(args: argparse.Namespace, generation: int, work_dir: str, name: str,
                     teacher: str) -> None:
    """Train one generation with a fresh Runner; resume when it was interrupted."""
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.model.teacher_ckpts = {name: teacher}
    cfg.work_dir = work_dir
    cfg.experiment_name = f'gen{generation}_{time.strftime("%Y%m%d_%H%M%S")}'
    cfg.resume = osp.isfile(osp.join(work_dir, 'last_checkpoint'))
    cfg.load_from = None
    cfg.setdefault('launcher', 'none')
    problems = missing_data_roots(cfg)
    if problems:
        sys.exit('error: ' + '\nerror: '.join(problems))
    Runner.from_cfg(cfg).train()


def print_table(chain: List[dict]) -> None:
    keys = sorted({k for row in chain for k in row['metrics']})
    print('\n| generation | teacher | checkpoint | ' + ' | '.join(f'{k} (last)' for k in keys) +
          ' | best |')
    print('|---|---|---|' + '---|' * (len(keys) + 1))
    for row in chain:
        cells = [f'{row["metrics"][k]:.4f}' if k in row['metrics'] else '-' for k in keys]
        best = '-' if row['best_score'] is None else f'{row["best_score"]:.4f}'
        print(f'| {row["generation"]} | {row["teacher"]} | {row["checkpoint"]} | ' +
              ' | '.join(cells) + f' | {best} |')


def main(argv: Optional[List[str]] = None) -> List[dict]:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    name = teacher_name(cfg)
    root = args.work_dir or osp.join(
        './work_dirs', osp.splitext(osp.basename(args.config))[0] + '_seq')
    os.makedirs(root, exist_ok=True)
    chain_file = osp.join(root, 'chain.json')
    chain: List[dict] = []
    if osp.isfile(chain_file):
        with open(chain_file) as f:
            chain = json.load(f)

    teacher = args.first_teacher or (cfg.model.get('teacher_ckpts') or {}).get(name)
    if chain and args.first_teacher and chain[0]['teacher'] != args.first_teacher:
        sys.exit(f'error: {chain_file} started from {chain[0]["teacher"]}, not '
                 f'{args.first_teacher}; use another --work-dir for a new chain')
    for generation in range(1, args.generations + 1):
        if generation <= len(chain):
            print(f'generation {generation}: done ({chain[generation - 1]["checkpoint"]})')
            teacher = chain[generation - 1]['checkpoint']
            continue
        if not teacher:
            sys.exit(f'error: generation {generation} has no teacher checkpoint; set '
                     f'model.teacher_ckpts.{name} in the config or --first-teacher')
        work_dir = osp.join(root, f'gen{generation}')
        print(f'generation {generation}: teacher {teacher}, work dir {work_dir}', flush=True)
        train_generation(args, generation, work_dir, name, teacher)
        checkpoint = pick_checkpoint(work_dir, args.teacher_from)
        chain.append(dict(generation=generation, teacher=teacher, checkpoint=checkpoint,
                          metrics=last_val_metrics(work_dir), best_score=best_score(checkpoint)))
        with open(chain_file, 'w') as f:
            json.dump(chain, f, indent=1)
        teacher = checkpoint
    print_table(chain[:args.generations])
    return chain


if __name__ == '__main__':
    main()
