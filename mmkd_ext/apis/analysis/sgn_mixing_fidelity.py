"""How faithfully a trained SGN follows its sym-parameter: a domain classifier's view
(``tools/analysis/sgn_mixing_fidelity.py``).

1. Train a small CNN to tell the domains apart (photo / vangogh / ukiyoe by default) on
   random crops of real images: the training photos and all but ``--holdout-paintings``
   paintings per painter; one classifier per ``--seeds`` entry. Its accuracy is measured on
   the held-out photos and paintings (four quadrant crops per image, probabilities averaged).
2. Translate each held-out photo (shorter side ``--size``, central square) under every mix
   of a simplex grid (step ``--step``) and under each painter alone at 1.5; classify the
   outputs the same way.
3. Report, per domain, Spearman's rank correlation between the ``s`` entry and the
   classifier's probability of that domain over all (photo, mix) pairs of the grid, the
   mean probability of each pure mix's own domain (and how often it is the argmax), and
   that probability at 1.5; mean +- std over the classifiers. Writes grids and a JSON of
   every probability.
4. Artefacts: for each held-out photo under each mix of the mix grid, the checkerboard
   energy of the output over that of the photo (:func:`.artifacts.checkerboard_ratio`,
   periods 2 and 4); the mean per grid column and overall.
5. Reconstruction: the PSNR (RGB, 8 bit, whole central square) of each held-out photo's
   output at the pure source mix (``s = photo``) against the photo itself.

Several generators (e.g. the seeds of one config) are compared by
:func:`combine_fidelity` (``--combine`` of the tool): mean +- std over the generators of
each figure, each generator's figure being the mean over its classifiers.

``--classifier-cache DIR`` keeps each trained classifier under a digest of what its training
read, so that several generators (e.g. the seeds of one config) are judged by the same
classifiers without training them again.

The JSON is written as soon as the classifiers have scored the translations and again after
the pictures, so a late failure loses nothing measured. The SGN run's time per iteration
(``--train-work-dir``) is optional: a run that logged no ``time`` (fewer iterations than
its logger interval) gets ``null`` and a note. The outputs never replace shipped or
git-tracked files without ``force``; ``MMKD_MAX_ITERS`` caps the classifier iterations.
"""
import argparse
import glob
import itertools
import json
import os
import os.path as osp
import statistics
import time
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..caps import cap_iterations
from ..paths import refuse_protected_outputs, write_json
from ..progress import Progress
from ..sgn_mix import (
    SGNMixer,
    center_square,
    default_mixes,
    mix_grid,
    mix_label,
    read_image,
    simplex_sweep,
    translate,
)
from ..sgn_mix_files import write_image
from .artifacts import checkerboard_ratio

__all__ = ['run_mixing_fidelity', 'DomainClassifier', 'train_classifier', 'domain_probs',
           'simplex_grid', 'spearman', 'time_per_iter', 'classifier_view', 'grid_artifacts',
           'psnr', 'reconstruction', 'combine_fidelity', 'summary']

IMG_EXT = ('.png', '.jpg', '.jpeg', '.webp', '.bmp')


def load_folder(folder: str, size: int) -> List[np.ndarray]:
    paths = sorted(p for p in glob.glob(osp.join(folder, '*')) if p.lower().endswith(IMG_EXT))
    if not paths:
        raise FileNotFoundError(f'no images in {folder} (python tools/prepare_data.py '
                                'translation builds data/translation)')
    return [read_image(p, size) for p in paths]


class DomainClassifier(nn.Module):
    """Four conv-BN-ReLU-maxpool stages (16, 32, 64, 64 channels), global pooling, linear."""

    def __init__(self, num_classes: int):
        super().__init__()
        layers, c_in = [], 3
        for c_out in (16, 32, 64, 64):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean((2, 3)))


def to_tensor(imgs: Sequence[np.ndarray]) -> torch.Tensor:
    """RGB uint8 crops -> (N, 3, H, W) in [-1, 1]."""
    return torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).float() / 127.5 - 1


def random_crop(img: np.ndarray, crop: int, rng: np.random.Generator) -> np.ndarray:
    y = rng.integers(0, img.shape[0] - crop + 1)
    x = rng.integers(0, img.shape[1] - crop + 1)
    out = img[y:y + crop, x:x + crop]
    return out[:, ::-1] if rng.random() < 0.5 else out


def train_classifier(pools: List[List[np.ndarray]], crop: int, iters: int,
                     rng: np.random.Generator,
                     callback: Optional[Callable[[int, int], None]] = None) -> nn.Module:
    """Balanced batches of 16 random crops per domain; Adam 1e-3, cosine decay;
    ``callback(iteration, iters)`` after each iteration."""
    net = DomainClassifier(len(pools))
    optim = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optim, iters)
    labels = torch.arange(len(pools)).repeat_interleave(16)
    net.train()
    for it in range(iters):
        crops = [random_crop(pool[rng.integers(len(pool))], crop, rng)
                 for pool in pools for _ in range(16)]
        loss = F.cross_entropy(net(to_tensor(crops)), labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        sched.step()
        if callback is not None:
            callback(it + 1, iters)
    return net.eval()


@torch.no_grad()
def domain_probs(net: nn.Module, img: np.ndarray, crop: int) -> np.ndarray:
    """Mean softmax over the four quadrant crops of the image's central square."""
    img = center_square(img)
    half = img.shape[0] // 2
    quads = [img[y:y + half, x:x + half] for y in (0, half) for x in (0, half)]
    x = F.interpolate(to_tensor(quads), size=(crop, crop), mode='area')
    return net(x).softmax(1).mean(0).numpy()


def simplex_grid(n: int, step: float) -> List[np.ndarray]:
    k = round(1 / step)
    return [np.array(c, dtype=np.float32) / k
            for c in itertools.product(range(k + 1), repeat=n) if sum(c) == k]


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    from scipy.stats import spearmanr
    return float(spearmanr(a, b).statistic)


def time_per_iter(work_dir: str) -> Optional[Dict[str, float]]:
    """Median and mean of the logged ``time`` (seconds per iteration) of a run; None when
    no ``*/vis_data/scalars.json`` under ``work_dir`` logs one."""
    times = []
    for path in glob.glob(osp.join(glob.escape(work_dir), '*', 'vis_data', 'scalars.json')):
        with open(path) as f:
            times += [json.loads(line)['time'] for line in f if '"time"' in line]
    if not times:
        return None
    return dict(median_s=statistics.median(times), mean_s=statistics.fmean(times),
                logged_windows=len(times))


def save_png(path: str, rgb: np.ndarray) -> int:
    """A 256-colour palette PNG (small enough for a README); returns its size in bytes."""
    return os.path.getsize(write_image(path, rgb, palette=True))


def classifier_view(net: nn.Module, crop: int, domains: List[str], held: List[list],
                    outputs: List[dict], col: Dict[str, int]) -> dict:
    """One classifier's held-out accuracy, and how its probabilities follow ``s``."""
    per_image = [[domain_probs(net, img, crop) for img in imgs] for imgs in held]
    accuracy = {d: float(np.mean([p.argmax() == j for p in per_image[j]]))
                for j, d in enumerate(domains)}
    probs = [domain_probs(net, o['img'], crop) for o in outputs]
    simplex = [(o, p) for o, p in zip(outputs, probs) if o['grid']]
    rho, pure, extrapolation = {}, {}, {}
    for j, d in enumerate(domains):
        rho[d] = spearman([o['s'][col[d]] for o, _ in simplex], [p[j] for _, p in simplex])
        own = [p for o, p in simplex if o['s'][col[d]] == 1.0]
        pure[d] = dict(mean=float(np.mean([p[j] for p in own])),
                       std=float(np.std([p[j] for p in own])),
                       argmax_share=float(np.mean([p.argmax() == j for p in own])))
        ext = [p[j] for o, p in zip(outputs, probs) if o['s'][col[d]] > 1.0]
        if ext:
            extrapolation[d] = float(np.mean(ext))
    return dict(heldout_accuracy=accuracy, spearman=rho, pure_mix=pure,
                extrapolation_1p5=extrapolation,
                heldout_mean_probs={d: np.mean(per_image[j], 0).tolist()
                                    for j, d in enumerate(domains)},
                records=[dict(photo=o['photo'], s=o['s'], p=p.tolist())
                         for o, p in zip(outputs, probs)])


def grid_artifacts(generator: nn.Module, photos: Sequence[np.ndarray],
                   syms: Sequence[torch.Tensor], names: Sequence[str]) -> dict:
    """Checkerboard-energy ratio (output over its input, periods 2 and 4) of every photo's
    central square under every mix ``syms`` (the mix grid's columns): per column (mean and
    per photo) and the mean over all outputs."""
    columns = []
    for s in syms:
        ratios = [checkerboard_ratio(translate(generator, img, s), img)
                  for img in map(center_square, photos)]
        columns.append(dict(mix=' '.join(mix_label(s, names)), mean=float(np.mean(ratios)),
                            per_photo=ratios))
    return dict(measure='checkerboard energy ratio, output / input photo (periods 2, 4)',
                photos=len(photos), columns=columns,
                overall=float(np.mean([r for c in columns for r in c['per_photo']])))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two uint8 images of the same shape (peak 255, all channels)."""
    if a.shape != b.shape:
        raise ValueError(f'images of different shapes: {a.shape} and {b.shape}')
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float('inf') if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def reconstruction(generator: nn.Module, photos: Sequence[np.ndarray],
                   s_source: torch.Tensor) -> dict:
    """PSNR of every photo's central square against its translation at the pure source
    mix; the mean and the per-photo values."""
    values = [psnr(translate(generator, img, s_source), img)
              for img in map(center_square, photos)]
    return dict(measure='PSNR (dB, RGB, 8 bit) of G(x, s = source) against x',
                mean_db=float(np.mean(values)), per_photo_db=values)


def summary(result: dict) -> Dict[str, float]:
    """One generator's figures, each the mean over its classifiers: ``rho/<d>``,
    ``pure/<d>`` (p of the own domain at the pure mix), ``reconstruction_db`` and
    ``checkerboard`` (the overall ratio)."""
    views = list(result['per_seed'].values())
    out = {}
    for d in result['domains']:
        out[f'rho/{d}'] = float(np.mean([v['spearman'][d] for v in views]))
        out[f'pure/{d}'] = float(np.mean([v['pure_mix'][d]['mean'] for v in views]))
    if 'reconstruction' in result:
        out['reconstruction_db'] = result['reconstruction']['mean_db']
    out['checkerboard'] = result['artifacts']['overall']
    return out


def combine_fidelity(paths: Sequence[str]) -> dict:
    """Mean +- std over generators (one JSON of this tool each) of every figure of
    :func:`summary`; the generators must share domains, grid step and classifier seeds."""
    results = []
    for path in paths:
        with open(path) as f:
            results.append(json.load(f))
    keys = ('domains', 'step', 'seeds', 'size')
    for path, r in zip(paths[1:], results[1:]):
        for k in keys:
            if r.get(k) != results[0].get(k):
                raise ValueError(f'{path} was measured with {k}={r.get(k)!r}, {paths[0]} with '
                                 f'{results[0].get(k)!r}: the runs are not comparable')
    per_run = [summary(r) for r in results]
    figures = {}
    for k in per_run[0]:
        values = [s[k] for s in per_run if k in s]
        figures[k] = dict(mean=float(np.mean(values)), std=float(np.std(values)),
                          per_run=values)
    return dict(runs=[dict(json=p, checkpoint=r['checkpoint']) for p, r in zip(paths, results)],
                domains=results[0]['domains'], figures=figures)


def classifier_key(args: argparse.Namespace, seed: int, iters: int,
                   pools: List[List[np.ndarray]]) -> str:
    """A name for a trained classifier: a digest of everything its training reads (the
    seed, iterations, crop, image size, held-out count and the training images)."""
    import hashlib
    digest = hashlib.sha1(json.dumps(dict(
        seed=seed, iters=iters, crop=args.crop, size=args.size,
        holdout=args.holdout_paintings)).encode())
    for pool in pools:
        for img in pool:
            digest.update(np.ascontiguousarray(img).tobytes())
    return f'classifier_seed{seed}_{digest.hexdigest()[:16]}'


def mean_std(values: Sequence[float]) -> str:
    return f'{np.mean(values):.3f} +- {np.std(values):.3f}'


def run_mixing_fidelity(args: argparse.Namespace) -> int:
    """Measure, write and print as ``tools/analysis/sgn_mixing_fidelity.py`` does."""
    start = time.time()
    stem = osp.join(args.out, args.name)
    files = [f'{stem}_mixing_fidelity.json', f'{stem}_mix_grid.png', f'{stem}_simplex_sweep.png']
    refuse_protected_outputs(files, getattr(args, 'force', False))
    iters = cap_iterations(args.classifier_iters, '--classifier-iters')
    mixer = SGNMixer(args.config, args.checkpoint)
    names, source = mixer.names, mixer.source_domain
    domains = [n for n in names if osp.isdir(osp.join(args.data, n))]
    if source not in domains or len(domains) < 2:
        raise SystemExit(f'{args.data} needs a folder per term among {names}')
    real = {d: load_folder(osp.join(args.data, d), args.size) for d in domains}
    held_photos = load_folder(osp.join(args.data, f'{source}_test'), args.size)
    k = args.holdout_paintings
    train_pools = [real[d] if d == source else real[d][:-k] for d in domains]
    held = [(held_photos if d == source else real[d][-k:]) for d in domains]
    col = {d: names.index(d) for d in domains}

    # the SGN outputs: every held-out photo under every simplex-grid mix, and each
    # non-source term alone at 1.5 (extrapolation)
    mixes = [(s, True) for s in simplex_grid(len(names), args.step)]
    for d in domains[1:]:
        ext = np.zeros(len(names), np.float32)
        ext[col[d]] = 1.5
        mixes.append((ext, False))
    translating = Progress(1, 'translation passes', transient=True)
    translating.start_run('translations', len(mixes))
    outputs = []
    for done, (s, on_grid) in enumerate(mixes, 1):
        outputs += [dict(photo=i, s=s.tolist(), grid=on_grid,
                         img=translate(mixer.generator, center_square(img), torch.from_numpy(s)))
                    for i, img in enumerate(held_photos)]
        translating.update('translations', done)
    artifacts = grid_artifacts(mixer.generator, held_photos,
                               [mixer.s(m) for m in default_mixes(names)], names)
    recon = reconstruction(mixer.generator, held_photos, mixer.s({source: 1.0}))
    translating.finish_run('translations')
    translating.close()

    views = {}
    progress = Progress(len(args.seeds), 'classifiers')
    cache = getattr(args, 'classifier_cache', None)
    for seed in args.seeds:
        torch.manual_seed(seed)
        label = f'classifier seed {seed}'
        progress.start_run(label, iters)
        path = (osp.join(cache, classifier_key(args, seed, iters, train_pools) + '.pth')
                if cache else None)
        if path and osp.isfile(path):
            net = DomainClassifier(len(train_pools))
            net.load_state_dict(torch.load(path, map_location='cpu', weights_only=True))
            net.eval()
        else:
            net = train_classifier(train_pools, args.crop, iters, np.random.default_rng(seed),
                                   lambda i, n: progress.update(label, i, n))
            if path:
                os.makedirs(cache, exist_ok=True)
                torch.save(net.state_dict(), path + '.tmp')
                os.replace(path + '.tmp', path)
        views[seed] = classifier_view(net, args.crop, domains, held, outputs, col)
        progress.finish_run(label, note='held-out accuracy ' + ', '.join(
            f'{d} {a:.2f}' for d, a in views[seed]['heldout_accuracy'].items()))
    progress.close()
    pairs = sum(o['grid'] for o in outputs)

    notes = []
    timing = None
    if args.train_work_dir:
        timing = time_per_iter(args.train_work_dir)
        if timing is None:
            notes.append(f'no time per iteration: no */vis_data/scalars.json under '
                         f'{args.train_work_dir} logs "time" (the run logged fewer iterations '
                         'than its logger interval)')
    result = dict(
        config=args.config, checkpoint=args.checkpoint, names=names, domains=domains,
        size=args.size, crop=args.crop, step=args.step, seeds=args.seeds, pairs=pairs,
        classifier=dict(iters=iters,
                        train_images={d: len(p) for d, p in zip(domains, train_pools)},
                        heldout_images={d: len(h) for d, h in zip(domains, held)}),
        per_seed=views, artifacts=artifacts, reconstruction=recon, grids=None,
        seconds=round(time.time() - start, 1))
    if args.train_work_dir:
        result['train_time_per_iter'] = timing
    if notes:
        result['notes'] = notes
    os.makedirs(args.out, exist_ok=True)

    def save() -> None:
        with open(f'{stem}_mixing_fidelity.json', 'w') as f:
            json.dump(result, f, indent=1)

    save()  # the measurements are kept whatever happens to the pictures
    try:
        grid_bytes, sweep_bytes = _pictures(args, mixer, held_photos, names, stem)
    except Exception as error:
        result['notes'] = notes + [f'pictures not written: {type(error).__name__}: {error}']
        save()
        raise
    result['grids'] = dict(mix_grid_bytes=grid_bytes, sweep_bytes=sweep_bytes)
    result['seconds'] = round(time.time() - start, 1)
    save()
    _print_table(args, result, views, domains, held, pairs, stem)
    return 0


def run_combine(paths: Sequence[str], out: Optional[str] = None) -> int:
    """Print (and write to ``out`` as JSON) :func:`combine_fidelity` of ``paths``."""
    combined = combine_fidelity(paths)
    print(f'{len(paths)} generators: mean +- std (per generator)')
    print('| figure | mean +- std | per generator |')
    print('|---|---|---|')
    for k, v in combined['figures'].items():
        print(f'| {k} | {v["mean"]:.3f} +- {v["std"]:.3f} | '
              + ' / '.join(f'{x:.3f}' for x in v['per_run']) + ' |')
    if out:
        write_json(out, combined, indent=1)
        print(f'wrote {out}')
    return 0


def _pictures(args, mixer, held_photos, names, stem):
    """The mix grid and, for three terms, the simplex sweep; their sizes in bytes."""
    grid_bytes = save_png(f'{stem}_mix_grid.png', mix_grid(
        mixer.generator, held_photos[:args.grid_photos],
        [mixer.s(m) for m in default_mixes(names)], names))
    sweep_bytes = None
    if len(names) == 3:  # rows: the second term's weight, columns: the third's
        sweep_bytes = save_png(f'{stem}_simplex_sweep.png', simplex_sweep(
            mixer.generator, held_photos[0], args.step))
    return grid_bytes, sweep_bytes


def _print_table(args, result, views, domains, held, pairs, stem) -> None:
    grid_bytes = result['grids']['mix_grid_bytes']
    sweep_bytes = result['grids']['sweep_bytes']
    seeds = list(views.values())
    print(f'classifier seeds {args.seeds}; held-out images: '
          + ', '.join(f'{d} {len(h)}' for d, h in zip(domains, held)))
    print('held-out accuracy (mean +- std over seeds): ' + ', '.join(
        f'{d} {mean_std([v["heldout_accuracy"][d] for v in seeds])}' for d in domains))
    print(f'{pairs} (photo, mix) pairs on the simplex grid, step {args.step}')
    print('| domain | Spearman rho (s entry vs p) | p(own domain) at the pure mix | argmax '
          'share at the pure mix | p(own domain) at 1.5 |')
    print('|---|---|---|---|---|')
    for d in domains:
        ext = (mean_std([v['extrapolation_1p5'][d] for v in seeds])
               if d in seeds[0]['extrapolation_1p5'] else '-')
        print(f'| {d} | {mean_std([v["spearman"][d] for v in seeds])} | '
              f'{mean_std([v["pure_mix"][d]["mean"] for v in seeds])} | '
              f'{mean_std([v["pure_mix"][d]["argmax_share"] for v in seeds])} | {ext} |')
    art = result['artifacts']
    print(f'checkerboard energy, output / input photo (mean over {art["photos"]} held-out '
          'photos; above 1: more than the photo): ' + ', '.join(
              f'{c["mix"]} {c["mean"]:.2f}' for c in art['columns']) +
          f'; overall {art["overall"]:.2f}')
    rec = result['reconstruction']
    print(f'reconstruction at s = {result["domains"][0]}: PSNR {rec["mean_db"]:.2f} dB (mean '
          f'over {len(rec["per_photo_db"])} held-out photos; min {min(rec["per_photo_db"]):.2f})')
    t = result.get('train_time_per_iter')
    if t:
        print(f'SGN training: {t["median_s"]:.3f} s/iter median, {t["mean_s"]:.3f} mean '
              f'over {t["logged_windows"]} logged windows')
    for note in result.get('notes', []):
        print(f'note: {note}')
    print(f'wrote {stem}_mixing_fidelity.json, {stem}_mix_grid.png ({grid_bytes} B), '
          f'{stem}_simplex_sweep.png ({sweep_bytes} B) in {result["seconds"]} s')
