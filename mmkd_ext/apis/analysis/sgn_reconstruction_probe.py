"""Can an SGN generator carry a photo to its output?
(``tools/analysis/sgn_reconstruction_probe.py``)

The generator of a config, with random weights, trains on the reconstruction term alone at
the pure source mix (``s`` one-hot on the source domain): ``loss_weight * |G(x, s) - x|`` on
random ``crop`` x ``crop`` crops of the training photos (batch 4, Adam with betas
(0.5, 0.999), constant learning rate). After every quarter of ``iters`` it prints the PSNR
on the held-out photos (central squares, as :mod:`.sgn_mixing_fidelity` measures
reconstruction) and the checkerboard energy of those outputs over that of the photos. No
discriminator, no other term: the PSNR it reaches is what the generator's architecture
allows in that many steps, an upper bound for the full SGN training, where the
reconstruction term weighs only the source entry of each sample's ``s``.
"""
import argparse
import os.path as osp
import time
from typing import List, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config

from ..caps import cap_iterations
from ..paths import write_json
from ..progress import Progress
from ..sgn_mix import SGNMixer, center_square, translate
from .artifacts import checkerboard_ratio
from .sgn_mixing_fidelity import load_folder, psnr, random_crop

__all__ = ['run_reconstruction_probe', 'heldout_psnr']


def heldout_psnr(mixer: SGNMixer, photos: List[np.ndarray],
                 checkerboard: bool = False) -> Union[float, Tuple[float, float]]:
    """Mean PSNR (dB) of the photos' central squares against their translation at the pure
    source mix; with ``checkerboard``, also the mean checkerboard-energy ratio of those
    translations over their photos (:func:`.artifacts.checkerboard_ratio`)."""
    s = mixer.s({mixer.source_domain: 1.0})
    was_training = mixer.generator.training
    mixer.generator.eval()
    pairs = [(translate(mixer.generator, img, s), img) for img in map(center_square, photos)]
    mixer.generator.train(was_training)
    value = float(np.mean([psnr(out, img) for out, img in pairs]))
    if not checkerboard:
        return value
    return value, float(np.mean([checkerboard_ratio(out, img) for out, img in pairs]))


def run_reconstruction_probe(args: argparse.Namespace) -> dict:
    """Train and measure as the module says; prints a line per quarter, returns (and writes
    to ``args.out``, when given) the curve."""
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    iters = cap_iterations(args.iters, '--iters')
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    mixer = SGNMixer(cfg)
    source = mixer.source_domain
    train = load_folder(osp.join(args.data, source), args.size)
    held = load_folder(osp.join(args.data, f'{source}_test'), args.size)
    weight = next((t.get('loss_weight', 2.0) for t in cfg.model.terms
                   if t.get('kind') == 'reconstruction'), 2.0)
    generator = mixer.generator.train()
    optim = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.5, 0.999))
    s = mixer.s({source: 1.0}).expand(4, -1)
    curve, start = [], time.time()
    checkpoints = {round(iters * q / 4) for q in (1, 2, 3, 4)}
    progress = Progress(1, 'probes', transient=True)
    progress.start_run('reconstruction', iters)
    for it in range(1, iters + 1):
        crops = [random_crop(train[rng.integers(len(train))], args.crop, rng) for _ in range(4)]
        x = torch.from_numpy(np.ascontiguousarray(np.stack(crops))).permute(0, 3, 1, 2)
        x = x.float() / 127.5 - 1
        loss = weight * (generator(x, s) - x).abs().mean()
        optim.zero_grad()
        loss.backward()
        optim.step()
        progress.update('reconstruction', it)
        if it in checkpoints:
            value, ratio = heldout_psnr(mixer, held, checkerboard=True)
            curve.append(dict(iter=it, loss=loss.item(), heldout_psnr_db=value,
                              checkerboard_ratio=ratio, seconds=round(time.time() - start, 1)))
            print(f'iter {it}: loss {curve[-1]["loss"]:.4f}, held-out PSNR {value:.2f} dB, '
                  f'checkerboard energy / photo {ratio:.2f}', flush=True)
    progress.finish_run('reconstruction')
    progress.close()
    result = dict(config=args.config, cfg_options=args.cfg_options or {}, iters=iters,
                  lr=args.lr, crop=args.crop, seed=args.seed, heldout_photos=len(held),
                  generator=str(cfg.model.generator), curve=curve)
    print(f'held-out PSNR at s = {source} after {iters} iterations: '
          f'{curve[-1]["heldout_psnr_db"]:.2f} dB, checkerboard energy / photo '
          f'{curve[-1]["checkerboard_ratio"]:.2f}')
    if args.out:
        write_json(args.out, result, indent=1)
        print(f'wrote {args.out}')
    return result
