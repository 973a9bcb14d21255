"""Sequential FEED: N generations, each distilled from the previous generation's student.

Generation 1 learns from the config's teacher checkpoint (or ``first_teacher``); generation
g + 1 from generation g's best checkpoint (``teacher_from='last'``: its last one), whose
``student.`` weights are loaded into the teacher. Every generation trains in
``WORK_DIR/gen<g>`` and keeps its checkpoints; ``WORK_DIR/chain.json`` records each finished
generation (teacher, checkpoint, last validation metrics, best score). Calling again skips
finished generations and resumes an interrupted one from its last checkpoint, so a chain
can be extended or restarted after a stop.
"""
import glob
import json
import os
import os.path as osp
import sys
import time
from typing import List, Optional

from mmengine.config import Config

from .paths import refuse_protected_outputs
from .preflight import data_problems
from .run_logs import last_val_metrics
from .train import stop_on

__all__ = ['train_generations', 'teacher_name', 'pick_checkpoint', 'best_score', 'print_table']


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


def best_score(checkpoint: str) -> Optional[float]:
    """The best validation score recorded by ``CheckpointHook(save_best=...)``, if any."""
    from mmengine.runner.checkpoint import _load_checkpoint
    hub = _load_checkpoint(checkpoint, map_location='cpu').get('message_hub') or {}
    score = (hub.get('runtime_info') or {}).get('best_score')
    return None if score is None else float(score)


def _train_generation(config: str, cfg_options: Optional[dict], generation: int,
                      work_dir: str, name: str, teacher: str) -> None:
    """Train one generation with a fresh Runner; resume when it was interrupted."""
    from mmengine.runner import Runner
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.model.teacher_ckpts = {name: teacher}
    cfg.work_dir = work_dir
    cfg.experiment_name = f'gen{generation}_{time.strftime("%Y%m%d_%H%M%S")}'
    cfg.resume = osp.isfile(osp.join(work_dir, 'last_checkpoint'))
    cfg.load_from = None
    cfg.setdefault('launcher', 'none')
    stop_on(data_problems(cfg))
    Runner.from_cfg(cfg).train()


def print_table(chain: List[dict]) -> None:
    """A markdown table of the generations: teacher, checkpoint, last metrics, best."""
    keys = sorted({k for row in chain for k in row['metrics']})
    print('\n| generation | teacher | checkpoint | ' + ' | '.join(f'{k} (last)' for k in keys) +
          ' | best |')
    print('|---|---|---|' + '---|' * (len(keys) + 1))
    for row in chain:
        cells = [f'{row["metrics"][k]:.4f}' if k in row['metrics'] else '-' for k in keys]
        best = '-' if row['best_score'] is None else f'{row["best_score"]:.4f}'
        print(f'| {row["generation"]} | {row["teacher"]} | {row["checkpoint"]} | ' +
              ' | '.join(cells) + f' | {best} |')


def train_generations(config: str, generations: int, work_dir: Optional[str] = None,
                      teacher_from: str = 'best', first_teacher: Optional[str] = None,
                      cfg_options: Optional[dict] = None, force: bool = False) -> List[dict]:
    """Train (or extend, or resume) a chain of ``generations`` FEED generations.

    Args:
        config (str): a FEED config with one teacher whose architecture is the student's.
        generations (int): N >= 1.
        work_dir (str, optional): default ``./work_dirs/<config name>_seq``.
        teacher_from (str): ``'best'`` or ``'last'`` checkpoint of generation g teaches
            g + 1. Defaults to ``'best'``.
        first_teacher (str, optional): generation 1's teacher checkpoint (default: the
            config's ``teacher_ckpts``).
        cfg_options (dict, optional): config overrides, as ``--cfg-options`` gives them.
        force (bool): write the chain even into a shipped folder or over a git-tracked
            ``chain.json``. Defaults to False.

    Returns:
        list[dict]: one row per generation (``chain.json``); the table is printed.
    """
    if not isinstance(generations, int) or generations < 1:
        raise ValueError(f'generations must be an int >= 1, got {generations!r}')
    if teacher_from not in ('best', 'last'):
        raise ValueError(f"teacher_from must be one of ('best', 'last'), got {teacher_from!r}")
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    name = teacher_name(cfg)
    root = work_dir or osp.join('./work_dirs', osp.splitext(osp.basename(config))[0] + '_seq')
    chain_file = osp.join(root, 'chain.json')
    refuse_protected_outputs([chain_file], force)
    os.makedirs(root, exist_ok=True)
    chain: List[dict] = []
    if osp.isfile(chain_file):
        with open(chain_file) as f:
            chain = json.load(f)

    teacher = first_teacher or (cfg.model.get('teacher_ckpts') or {}).get(name)
    if chain and first_teacher and chain[0]['teacher'] != first_teacher:
        sys.exit(f'error: {chain_file} started from {chain[0]["teacher"]}, not '
                 f'{first_teacher}; use another --work-dir for a new chain')
    for generation in range(1, generations + 1):
        if generation <= len(chain):
            print(f'generation {generation}: done ({chain[generation - 1]["checkpoint"]})')
            teacher = chain[generation - 1]['checkpoint']
            continue
        if not teacher:
            sys.exit(f'error: generation {generation} has no teacher checkpoint; set '
                     f'model.teacher_ckpts.{name} in the config or --first-teacher')
        gen_dir = osp.join(root, f'gen{generation}')
        print(f'generation {generation}: teacher {teacher}, work dir {gen_dir}', flush=True)
        _train_generation(config, cfg_options, generation, gen_dir, name, teacher)
        checkpoint = pick_checkpoint(gen_dir, teacher_from)
        chain.append(dict(generation=generation, teacher=teacher, checkpoint=checkpoint,
                          metrics=last_val_metrics(gen_dir), best_score=best_score(checkpoint)))
        with open(chain_file, 'w') as f:
            json.dump(chain, f, indent=1)
        teacher = checkpoint
    print_table(chain[:generations])
    return chain
