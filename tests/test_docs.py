"""The documentation under test: every shell code block of README.md, configs/*/README.md and
docs/*.md (fenced ``bash``, ``sh``, ``shell``, ``console`` or untagged) runs as written.

Each block runs with bash in a fresh user folder (``work/``): ``tools/`` links to the
checkout's, ``configs/`` and ``checkpoints/`` are copies (so that nothing a command writes
reaches the checkout, and the test can tell that the shipped files were left alone), and
tiny stand-ins of the demo data sets lie in ``data/`` (``sr_demo``, ``fashion_mnist``) and,
for ``tools/prepare_data.py translation``, in ``../shared/datasets/translation`` (where a
checkout next to ``shared/`` copies it from). The runs are shortened by the documented
environment variables of ``mmkd_ext/apis/caps.py``: ``MMKD_MAX_ITERS=2``,
``MMKD_MAX_EPOCHS=1``, ``MMKD_MAX_SEEDS=1``; with them a checkpoint the docs name
``iter_<N>.pth`` (N > 2) is ``iter_2.pth``, the one substitution made in a block's text.
``$MMKD`` is the user folder (a clone), ``$HOME`` an empty folder beside it.

A block that cannot run here (a multi-hour study, GPUs, a cluster, installing, the test
suite itself) has ``<!-- doc-test: parse-only (reason) -->`` on the line before its fence.
It runs with bash too, so that variables, loops and brace expansions are as a user's shell
makes them, but ``python``, ``make``, ``git``, ``pip``, ``cp``, ``mv`` and ``rm`` are
stand-ins that only record their arguments; then each recorded command is checked: a
``tools/`` script's own ``parse_args`` accepts the arguments, a ``python -m`` module exists
(and its ``parse_args`` accepts them), ``python -c`` code compiles, a ``make`` target
exists, every ``configs/...py`` and ``mmkd_ext::...py`` path exists, the options of
``tools/train.py`` and ``tools/analysis/seed_study.py`` leave no unknown hook, loop or
optimizer-wrapper argument in the config, and no ``cp`` / ``mv`` / ``--out`` /
``--work-dir`` targets the shipped ``checkpoints/``, ``configs/`` or ``docs/results/``
without ``--force``. A reason that names a test file (``tests/...py``) says where the block
runs in full; that file must exist.

Budget: about 3 minutes on 2 cores for the whole file (run blocks take 2 iterations).
"""
import glob
import hashlib
import importlib
import importlib.util
import os
import os.path as osp
import re
import runpy
import shutil
import subprocess
import sys
from typing import Dict, List, NamedTuple, Optional

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DOCS = ['README.md', *sorted(osp.relpath(p, REPO) for p in glob.glob(
    osp.join(REPO, 'configs', '*', 'README.md'))), *sorted(osp.relpath(p, REPO) for p in
                                                         glob.glob(osp.join(REPO, 'docs', '*.md')))]
SHELL_LANGS = ('bash', 'sh', 'shell', 'console', '')
FENCE = re.compile(r'^\s*```\s*([\w+-]*)\s*$')
MARKER = re.compile(r'^\s*<!--\s*doc-test:\s*parse-only\s*\((.+)\)\s*-->\s*$')
#: The caps every run block gets (mmkd_ext/apis/caps.py).
CAPS = dict(MMKD_MAX_ITERS='2', MMKD_MAX_EPOCHS='1', MMKD_MAX_SEEDS='1')
#: Commands that only record their arguments in a parse-only block.
RECORDED = ('python', 'python3', 'make', 'git', 'pip', 'pip3', 'cp', 'mv', 'rm', 'ls', 'torchrun',
            'apt-get', 'curl', 'wget', 'sudo')
#: Folders of the checkout whose files ship with the package.
SHIPPED = ('checkpoints', 'configs', osp.join('docs', 'results'))


class Block(NamedTuple):
    path: str  # relative to the checkout
    line: int  # of the opening fence
    lang: str
    text: str
    reason: Optional[str]  # why it is only parsed; None: it runs

    @property
    def id(self) -> str:
        return f'{self.path}:{self.line}'


def collect_blocks() -> List[Block]:
    """Every shell code block of :data:`DOCS`, with its parse-only reason if marked."""
    blocks = []
    for path in DOCS:
        with open(osp.join(REPO, path)) as f:
            lines = f.read().splitlines()
        i = 0
        while i < len(lines):
            fence = FENCE.match(lines[i])
            if not fence:
                i += 1
                continue
            end = next(j for j in range(i + 1, len(lines)) if FENCE.match(lines[j]))
            lang = fence.group(1).lower()
            if lang in SHELL_LANGS:
                body = lines[i + 1:end]
                if lang == 'console':
                    body = [line[2:] for line in body if line.startswith('$ ')]
                before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), '')
                marker = MARKER.match(before)
                blocks.append(Block(path, i + 1, lang, '\n'.join(body) + '\n',
                                    marker.group(1).strip() if marker else None))
            i = end + 1
    return blocks


BLOCKS = collect_blocks()


# -- the user's folder ---------------------------------------------------------------------

def _image(path: str, height: int, width: int, rng) -> 'object':
    import cv2
    import numpy as np
    coarse = rng.integers(0, 256, (6, 6, 3), dtype=np.uint8)
    img = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    os.makedirs(osp.dirname(path), exist_ok=True)
    cv2.imwrite(path, img)
    return img


def make_sr_demo(root: str, scales=(2, 3, 4)) -> None:
    """``root/sr_demo`` as ``tools/prepare_data.py sr`` lays it out: 8 training sub-images
    of 96 x 96 (the x4 configs' HR crop), 2 benchmark images, LR at x2/x3/x4."""
    import cv2
    import numpy as np
    rng = np.random.default_rng(0)
    folder = osp.join(root, 'sr_demo')
    for name, count, size, hr, lr in (('s', 8, 96, 'train_hr_sub', 'train_lr_sub_x{}'),
                                      ('b', 2, 48, 'bench14_hr', 'bench14_lr_x{}')):
        for i in range(count):
            img = _image(osp.join(folder, hr, f'{name}{i}.png'), size, size, rng)
            for s in scales:
                os.makedirs(osp.join(folder, lr.format(s)), exist_ok=True)
                cv2.imwrite(osp.join(folder, lr.format(s), f'{name}{i}.png'),
                            cv2.resize(img, (size // s, size // s), interpolation=cv2.INTER_AREA))


def make_translation_source(root: str) -> None:
    """``root/translation/{photo,vangogh,ukiyoe}``: what ``prepare_data.py translation``
    copies from a ``shared/datasets`` folder (every 8th photo by name is held out: the
    first is the photo the SGN demo configs picture during training)."""
    import numpy as np
    rng = np.random.default_rng(1)
    _image(osp.join(root, 'translation', 'photo', 'Chenonceau_background.webp'), 72, 80, rng)
    for domain, count in (('photo', 8), ('vangogh', 3), ('ukiyoe', 3)):
        for i in range(count):
            _image(osp.join(root, 'translation', domain, f'{domain}{i}.png'), 72, 80, rng)


def user_folder(base: str) -> Dict[str, str]:
    """The user's folder ``base/work`` (see the module docstring); returns the paths."""
    from tests.tools._tiny_cls import make_fashion_data
    work, home = osp.join(base, 'work'), osp.join(base, 'home')
    os.makedirs(home)
    os.makedirs(work)
    os.symlink(osp.join(REPO, 'tools'), osp.join(work, 'tools'))
    for name in ('configs', 'checkpoints'):
        shutil.copytree(osp.join(REPO, name), osp.join(work, name), symlinks=False)
    make_sr_demo(osp.join(work, 'data'))
    make_fashion_data(osp.join(work, 'data', 'fashion_mnist'), num_train=8, num_test=4)
    make_translation_source(osp.join(base, 'shared', 'datasets'))
    return dict(work=work, home=home)


def _digests(folder: str) -> Dict[str, str]:
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = osp.join(root, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path, folder)] = hashlib.md5(f.read()).hexdigest()
    return out


def _env(paths: Dict[str, str], extra: Dict[str, str]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith('MMKD_')}
    env.update(HOME=paths['home'], MMKD=paths['work'], OMP_NUM_THREADS='1',
               PYTHONDONTWRITEBYTECODE='1',
               PATH=osp.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    env.update(extra)
    return env


def capped(text: str) -> str:
    """``iter_<N>.pth`` with N above the cap -> ``iter_<cap>.pth``."""
    cap = int(CAPS['MMKD_MAX_ITERS'])
    return re.sub(r'iter_(\d+)\.pth', lambda m: f'iter_{min(int(m.group(1)), cap)}.pth', text)


# -- parse-only: record, then check ----------------------------------------------------------

SEP, END = '\x1f', '\x1e'
SHIM = f"""#!/bin/bash
{{ printf '%s{SEP}' "$(basename "$0")" "$PWD" "$@"; printf '{END}'; }} >> "$DOCTEST_LOG"
"""
#: Builtins that would stop a parse-only block on what the stand-ins did not make.
PREAMBLE = 'cd() { builtin cd "$@" 2>/dev/null || true; }\nsource() { :; }\n'


def record(block: Block, paths: Dict[str, str], base: str) -> List[List[str]]:
    """Run ``block`` with the recording stand-ins; ``[name, cwd, *args]`` per command."""
    shims, log = osp.join(base, 'shims'), osp.join(base, 'commands.log')
    os.makedirs(shims)
    for name in RECORDED:
        with open(osp.join(shims, name), 'w') as f:
            f.write(SHIM)
        os.chmod(osp.join(shims, name), 0o755)
    env = _env(paths, dict(CAPS, DOCTEST_LOG=log))
    env['PATH'] = shims + os.pathsep + env['PATH']
    proc = subprocess.run(['bash', '-c', 'set -eo pipefail\n' + PREAMBLE + block.text],
                          cwd=paths['work'], env=env, capture_output=True, text=True,
                          timeout=120)
    if proc.returncode != 0:  # a syntax error, a redirection from a placeholder, ...
        pytest.fail(f'{block.id}: bash stopped (exit {proc.returncode}):\n{proc.stdout}\n'
                    f'{proc.stderr}')
    if not osp.exists(log):
        return []
    with open(log) as f:
        entries = [e for e in f.read().split(END) if e]
    return [e.split(SEP)[:-1] for e in entries]


def _load_tool(script: str) -> dict:
    return runpy.run_path(script, run_name='mmkd_doc_test')


def _parsed(where: str, parse_args, argv: List[str]):
    try:
        return parse_args(argv)
    except SystemExit as stop:
        pytest.fail(f'{where}: the tool does not accept {argv}: exit {stop.code}')


def _in_shipped(path: str, cwd: str, work: str) -> bool:
    rel = osp.relpath(osp.normpath(osp.join(cwd, path)), work)
    return any(rel == s or rel.startswith(s + os.sep) for s in SHIPPED)


def check_paths(where: str, name: str, cwd: str, args: List[str], work: str) -> None:
    """Configs named exist; nothing is written into the shipped folders."""
    for token in args:
        for part in re.split(r'[:=]', token) if '::' not in token else [token]:
            if part.endswith('.py') and re.search(r'(^|/)configs/', part):
                assert osp.isfile(osp.join(cwd, part)), f'{where}: {part} does not exist'
        if token.startswith('mmkd_ext::'):
            rel = token.split('::', 1)[1]
            assert osp.isfile(osp.join(REPO, 'configs', rel)), f'{where}: no config {token}'
    targets = []
    if name in ('cp', 'mv') and args:
        targets.append(args[-1])
    if '--force' not in args:
        targets += [args[i + 1] for i, a in enumerate(args[:-1]) if a in ('--out', '--work-dir')]
    for target in targets:
        assert not _in_shipped(target, cwd, work), \
            f'{where}: writes into the shipped files: {name} ... {target}'


def check_config_options(where: str, configs: List[str], options: dict, cwd: str) -> None:
    """The options leave no unknown hook, loop or optimizer-wrapper argument."""
    from mmengine.config import Config

    from mmkd_ext.engine.diagnostics import config_problems
    for config in configs:
        if not osp.isfile(osp.join(cwd, config)):
            continue  # the user's own config (see check_paths for the shipped ones)
        cfg = Config.fromfile(osp.join(cwd, config))
        cfg.merge_from_dict(options or {})
        assert config_problems(cfg) == [], f'{where}: {config} with {options}'


def check_python(where: str, cwd: str, args: List[str], work: str) -> None:
    while args and args[0] in ('-u', '-B', '-O'):
        args = args[1:]
    assert args, f'{where}: python without arguments'
    if args[0] == '-c':
        compile(args[1], where, 'exec')
        return
    if args[0] == '-m':
        module, rest = args[1], args[2:]
        if module in ('torch.distributed.run', 'torch.distributed.launch'):
            i = next(i for i, a in enumerate(rest) if a.endswith('.py'))
            return check_python(where, cwd, rest[i:], work)
        assert importlib.util.find_spec(module) is not None, f'{where}: no module {module}'
        parse_args = getattr(importlib.import_module(module), 'parse_args', None)
        if parse_args is not None:
            _parsed(where, parse_args, rest)
        return
    script = osp.join(cwd, args[0])
    assert osp.isfile(script), f'{where}: {args[0]} does not exist'
    tool = _load_tool(script)
    assert 'parse_args' in tool, f'{where}: {args[0]} has no parse_args'
    parsed = _parsed(where, tool['parse_args'], args[1:])
    name = osp.basename(script)
    if name == 'train.py':
        check_config_options(where, [parsed.config], parsed.cfg_options, cwd)
    elif name == 'seed_study.py':
        from mmkd_ext.apis.train import parse_cfg_options
        check_config_options(where, parsed.configs, parse_cfg_options(parsed.cfg_options), cwd)


def check_recorded(block: Block, commands: List[List[str]], work: str) -> None:
    with open(osp.join(REPO, 'Makefile')) as f:
        targets = set(re.findall(r'^([\w-]+):', f.read(), re.M))
    for name, cwd, *args in commands:
        where = f'{block.id}: {name} {" ".join(args)[:120]}'
        check_paths(where, name, cwd, args, work)
        if name in ('python', 'python3'):
            check_python(where, cwd, list(args), work)
        elif name == 'make':
            assert set(args) <= targets, f'{where}: no make target {set(args) - targets}'


# -- the tests -------------------------------------------------------------------------------

def test_blocks_are_found_and_reasons_given():
    assert len(BLOCKS) >= 20 and {b.path for b in BLOCKS} >= {'README.md',
                                                               'docs/reliability.md'}
    for block in BLOCKS:
        if block.reason is not None:
            assert len(block.reason) >= 8, f'{block.id}: give a reason'
            for test in re.findall(r'tests/[\w/]+\.py', block.reason):
                assert osp.isfile(osp.join(REPO, test)), f'{block.id}: {test} does not exist'


#: Commands the parse-only checks must refuse, and what they say.
BROKEN = [
    ('python tools/train.py configs/lsfd/no_such_config.py', 'no_such_config.py does not exist'),
    ('python tools/train.py configs/afd/afd_2xresnet8-w8_1xb64-1k_fashion-mnist.py '
     '--cfg-options default_hooks.checkpoint.intervl=2', 'afd_2xresnet8-w8'),
    ('python tools/analysis/seed_study.py configs/edsr/edsr_x4c16b4_1xb8-1k_sr-demo.py '
     '--sedes 0 1', 'does not accept'),
    ('cp work_dirs/t/iter_1000.pth checkpoints/kd/resnet8_1xb64-1k_fashion-mnist-3c.pth',
     'writes into the shipped files'),
    ('python tools/sgn_mix.py c.py c.pth p.jpg --grid --out docs/results/sgn/grid.png',
     'writes into the shipped files'),
    ('python tools/analysis/soak.py work_dirs/soak/<config>/soak.json --summary',
     'bash stopped'),
    ('make tset', 'no make target'),
    ('python -m tests.reliability.no_such_harness --cases lsfd', 'no module'),
    ('python -c "import ((("', 'invalid syntax'),
]


@pytest.mark.parametrize('text, says', BROKEN, ids=[b[1] for b in BROKEN])
def test_the_checks_refuse_broken_commands(tmp_path, text, says):
    block = Block('broken.md', 1, 'bash', text + '\n', 'a broken example')
    paths = user_folder(str(tmp_path))
    with pytest.raises((AssertionError, pytest.fail.Exception, SyntaxError), match=re.escape(says)):
        check_recorded(block, record(block, paths, str(tmp_path)), paths['work'])


PARSE_ONLY = [b for b in BLOCKS if b.reason is not None]
RUN = [b for b in BLOCKS if b.reason is None]


@pytest.mark.parametrize('block', PARSE_ONLY, ids=[b.id for b in PARSE_ONLY])
def test_parse_only_block(block: Block, tmp_path):
    paths = user_folder(str(tmp_path))
    commands = record(block, paths, str(tmp_path))
    check_recorded(block, commands, paths['work'])


@pytest.mark.slow
@pytest.mark.parametrize('block', RUN, ids=[b.id for b in RUN])
def test_run_block(block: Block, tmp_path):
    paths = user_folder(str(tmp_path))
    shipped = {name: _digests(osp.join(paths['work'], name)) for name in ('configs',
                                                                         'checkpoints')}
    proc = subprocess.run(['bash', '-c', 'set -eo pipefail\n' + capped(block.text)],
                          cwd=paths['work'], env=_env(paths, CAPS), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, (f'{block.id} failed (exit {proc.returncode}):\n'
                                  f'{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}')
    for name, before in shipped.items():
        assert _digests(osp.join(paths['work'], name)) == before, \
            f'{block.id} changed the shipped {name}/'
    assert not osp.exists(osp.join(paths['work'], 'docs', 'results')), \
        f'{block.id} wrote into docs/results/'


if __name__ == '__main__':  # the list of parse-only blocks, for the docs' maintainers
    for b in PARSE_ONLY:
        print(f'- {b.id}: {b.reason}')
