"""``data/translation``: photos, Van Gogh paintings and ukiyo-e prints for SGN's demo."""
import argparse
import hashlib
import os
import os.path as osp
import shutil
import sys
import tempfile
from typing import Dict, Optional, Sequence

import numpy as np

from .sources import (
    RCC_DIR,
    PrepareError,
    _check_source_folder,
    _extract_deb,
    _fetch_debs,
    _md5,
    _write_bytes,
    pick_source,
    read_rcc,
)

# Translation demo set: images per domain and one md5 over "name md5(bytes)" lines of each
# domain's sorted files; every TRANSLATION_TEST_EVERY-th photo (sorted) is held out.
TRANSLATION_DOMAINS = {
    'photo': (86, '928465b61e615a5eea271181c41364e8'),
    'vangogh': (9, '87cd0faa5cf9633a46c548034e0118f4'),
    'ukiyoe': (9, 'e92afba2708a0db74c8c3eb02c0e2dfb'),
}
TRANSLATION_TEST_EVERY = 8
# Where gcompris-qt-data 3.1-2 holds them: every WebP of the explore bundles and the
# ``*_background.webp`` of the details bundle are photos, except these Van Gogh paintings;
# the paintings bundle's jigsaw boards are reassembled into one picture each.
TRANSLATION_PHOTO_BUNDLES = ('explore_monuments', 'explore_world_animals',
                             'explore_farm_animals')
TRANSLATION_DETAILS_VANGOGH = (
    'Eglise_dAuvers-sur-Oise', 'Gogh4', 'PortraitOfPereTanguy', 'Van_Gogh_The_Night_Cafe',
    'VincentVanGogh0012', 'VincentVanGogh0013', 'VincentVanGogh0019', 'VincentVanGoghBridge')
TRANSLATION_BOARDS = {'vangogh': (22, ), 'ukiyoe': (4, 5, 6, 7, 8, 9, 10, 11, 12)}
PAINTINGS_DIR = 'gcompris/src/activities/paintings/resource'


def _domain_digest(folder: str, names: Sequence[str]) -> str:
    digest = hashlib.md5()
    for name in names:
        with open(osp.join(folder, name), 'rb') as f:
            digest.update(f'{name} {_md5(f.read())}\n'.encode())
    return digest.hexdigest()


def assemble_board(qml: str, files: Dict[str, bytes], prefix: str) -> np.ndarray:
    """The picture of one GCompris jigsaw board (``board/boardN_0.qml``) as (H, W, 3) RGB.

    The board names a background box (``width``, ``height``) and per tile a WebP with alpha
    and the fractional position of its centre in that box. The tiles are laid on black in
    the listed order and the picture is their bounding box, clipped to the background box.
    """
    import io
    import json
    import re

    from PIL import Image
    levels = json.loads(re.search(r'levels\s*:\s*(\[.*\])', qml, re.S).group(1))
    box = next(level for level in levels if 'width' in level)
    width, height = int(box['width']), int(box['height'])
    tiles = []
    for level in levels:
        if 'x' not in level:
            continue
        path = f'{prefix}/{level["pixmapfile"]}'
        if path not in files:
            raise PrepareError(f'jigsaw tile {path} not found in the paintings bundle')
        tile = Image.open(io.BytesIO(files[path])).convert('RGBA')
        left = round(float(level['x']) * width - tile.width / 2)
        top = round(float(level['y']) * height - tile.height / 2)
        tiles.append((tile, left, top))
    if not tiles:
        raise PrepareError('a jigsaw board without tiles')
    x0 = max(0, min(left for _, left, _ in tiles))
    y0 = max(0, min(top for _, _, top in tiles))
    x1 = min(width, max(left + t.width for t, left, _ in tiles))
    y1 = min(height, max(top + t.height for t, _, top in tiles))
    canvas = Image.new('RGBA', (x1 - x0, y1 - y0), (0, 0, 0, 255))
    for tile, left, top in tiles:
        canvas.alpha_composite(tile, (left - x0, top - y0))
    return np.asarray(canvas.convert('RGB'))


def build_translation_from_packages(dest: str, debs_dir: Optional[str] = None) -> None:
    """Write ``dest/{photo,vangogh,ukiyoe}/`` from ``gcompris-qt-data``: WebPs as they are
    in the bundles, reassembled boards as PNG."""
    import io

    from PIL import Image
    bundles = ('details', 'paintings') + TRANSLATION_PHOTO_BUNDLES
    with tempfile.TemporaryDirectory(prefix='mmkd_translation_') as work:
        debs = _fetch_debs(['gcompris-qt-data'], work, debs_dir)
        rcc_paths = [f'{RCC_DIR}/{name}.rcc' for name in bundles]
        _extract_deb(debs['gcompris-qt-data'], rcc_paths, work)
        content = {}
        for name, rcc in zip(bundles, rcc_paths):
            with open(osp.join(work, rcc), 'rb') as f:
                content[name] = read_rcc(f.read())
    images = {'photo': {}, 'vangogh': {}, 'ukiyoe': {}}
    for bundle in TRANSLATION_PHOTO_BUNDLES:
        for path, data in content[bundle].items():
            if path.endswith('.webp'):
                images['photo'][osp.basename(path)] = data
    for path, data in content['details'].items():
        name = osp.basename(path)
        if name.endswith('_background.webp'):
            painting = name[:-len('_background.webp')] in TRANSLATION_DETAILS_VANGOGH
            images['vangogh' if painting else 'photo'][name] = data
    for domain, boards in TRANSLATION_BOARDS.items():
        for n in boards:
            qml = f'{PAINTINGS_DIR}/board/board{n}_0.qml'
            if qml not in content['paintings']:
                raise PrepareError(f'{qml} not found in the paintings bundle of '
                                   'gcompris-qt-data')
            rgb = assemble_board(content['paintings'][qml].decode(), content['paintings'],
                                 PAINTINGS_DIR)
            buf = io.BytesIO()
            Image.fromarray(rgb).save(buf, 'PNG')
            images[domain][f'board{n}_0.png'] = buf.getvalue()
    for domain, named in images.items():
        os.makedirs(osp.join(dest, domain), exist_ok=True)
        for name, data in named.items():
            _write_bytes(osp.join(dest, domain, name), data)
        print(f'{domain}: {len(named)} images from gcompris-qt-data')


def prepare_translation(args: argparse.Namespace) -> None:
    """Copy (or rebuild from the packages) the photo / Van Gogh / ukiyo-e set, holding
    every 8th photo out."""
    out = osp.join(args.out, 'translation')
    shared = osp.join(args.shared, 'translation')
    source = pick_source(args, shared)
    print(f'== translation: {out} (source: {source})')
    if source == 'shared' and not osp.isdir(shared):
        raise PrepareError(
            f'source folder {shared} not found: pass --shared DIR whose '
            'translation/{photo,vangogh,ukiyoe}/ hold the images, or --source packages to '
            'rebuild the set from the Debian package gcompris-qt-data')
    if source == 'packages':
        with tempfile.TemporaryDirectory(prefix='mmkd_translation_src_') as work:
            build_translation_from_packages(work, args.debs)
            copy_translation(work, out)
    else:
        copy_translation(shared, out)


def copy_translation(shared: str, out: str) -> None:
    """Copy ``shared/{photo,vangogh,ukiyoe}`` to ``out``, every 8th photo to ``photo_test``;
    warn where a domain differs from the reference set."""
    for domain, (count, reference) in TRANSLATION_DOMAINS.items():
        names = _check_source_folder(osp.join(shared, domain))
        digest = _domain_digest(osp.join(shared, domain), names)
        if (len(names), digest) != (count, reference):
            print(f'warning: {shared}/{domain}: {len(names)} files, digest {digest} '
                  f'(reference: {count} files, {reference})', file=sys.stderr)
        copied = {}
        for i, name in enumerate(names):
            held_out = domain == 'photo' and i % TRANSLATION_TEST_EVERY == 0
            sub = 'photo_test' if held_out else domain
            os.makedirs(osp.join(out, sub), exist_ok=True)
            dst = osp.join(out, sub, name)
            if not osp.exists(dst):
                shutil.copyfile(osp.join(shared, domain, name), dst + '.part')
                os.replace(dst + '.part', dst)
            copied[sub] = copied.get(sub, 0) + 1
        print(', '.join(f'{sub}: {n} images' for sub, n in copied.items()))

