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
from typing import List, Optional

from mmengine.config import DictAction

from mmkd_ext.apis.feed_sequential import train_generations


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
    parser.add_argument('--force', action='store_true',
                        help='train even where --work-dir is a shipped folder')
    args = parser.parse_args(argv)
    if args.generations < 1:
        parser.error(f'--generations must be >= 1, got {args.generations}')
    return args


def main(argv: Optional[List[str]] = None) -> List[dict]:
    args = parse_args(argv)
    return train_generations(args.config, args.generations, args.work_dir, args.teacher_from,
                             args.first_teacher, args.cfg_options, args.force)


if __name__ == '__main__':
    main()
