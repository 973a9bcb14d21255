"""tools/prepare_data.py translation: the copy with held-out photos, and the messages when
there is nothing to copy."""
import io
import json
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from mmkd_ext.apis import prepare_data as pd
from mmkd_ext.apis.prepare_data import translation
from tests.tools.test_prepare_data import make_rcc, prepare


def test_copies_and_holds_every_eighth_photo_out(tmp_path, capsys):
    shared = tmp_path / 'shared' / 'translation'
    for domain, count in (('photo', 10), ('vangogh', 2), ('ukiyoe', 1)):
        (shared / domain).mkdir(parents=True)
        for i in range(count):
            (shared / domain / f'{domain}{i:02d}.png').write_bytes(b'x')
    out = tmp_path / 'data'
    assert prepare('translation', '--shared', str(tmp_path / 'shared'), '--out',
                    str(out)) == 0
    assert sorted(p.name for p in (out / 'translation' / 'photo_test').iterdir()) == [
        'photo00.png', 'photo08.png']
    assert len(list((out / 'translation' / 'photo').iterdir())) == 8
    assert len(list((out / 'translation' / 'ukiyoe').iterdir())) == 1
    assert 'warning' in capsys.readouterr().err  # not the reference set
    assert prepare('translation', '--shared', str(tmp_path / 'shared'), '--out',
                    str(out)) == 0  # again: nothing to do, same layout


def test_says_how_to_get_the_data(tmp_path, capsys):
    assert prepare('translation', '--source', 'shared', '--shared', str(tmp_path), '--out',
                    str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert f'{tmp_path}/translation not found' in err and '--shared DIR' in err
    assert '--source packages' in err
    message = pd.missing_data_message('data/translation')
    assert 'tools/prepare_data.py translation' in message
    assert 'vangogh2photo.zip' in pd.missing_data_message('data/cyclegan/vangogh2photo/trainB')


def _tile(rgb, size, alpha=None) -> bytes:
    """A WebP-free stand-in for a jigsaw tile: an RGBA PNG (PIL reads both the same way)."""
    img = np.zeros((size[1], size[0], 4), np.uint8)
    img[..., :3] = rgb
    img[..., 3] = 255 if alpha is None else alpha
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, 'PNG')
    return buf.getvalue()


def _board(tiles) -> str:
    levels = [dict(pixmapfile='image/bg.svg', type='SHAPE_BACKGROUND_IMAGE', width=100,
                   height=50)]
    levels += [dict(pixmapfile=f'image/{name}', x=str(x), y=str(y)) for name, x, y in tiles]
    return 'import QtQuick 2.12\nQtObject {\n   property var levels : ' + json.dumps(
        levels, indent=3) + '\n}\n'


def test_board_is_the_tiles_laid_in_order_and_clipped_to_the_box():
    half = np.zeros((20, 30), np.uint8)
    half[:, 15:] = 255  # the right half of tile b is opaque, its left half transparent
    files = {'p/image/a.png': _tile((200, 0, 0), (30, 20)),
             'p/image/b.png': _tile((0, 0, 200), (30, 20), alpha=half)}
    # a centred at (25, 15): x 10..40, y 5..25; b centred at (95, 20): x 80..110, y 10..30,
    # clipped at the box's right edge (100)
    rgb = pd.assemble_board(_board([('a.png', 0.25, 0.3), ('b.png', 0.95, 0.4)]), files, 'p')
    assert rgb.shape == (25, 90, 3)  # y 5..30, x 10..100
    assert (rgb[0, 0] == (200, 0, 0)).all() and (rgb[0, 29] == (200, 0, 0)).all()
    assert (rgb[0, 30] == 0).all()  # nothing between the tiles: black
    assert (rgb[10, 75] == 0).all()  # b's transparent half shows the black ground
    assert (rgb[10, 89] == (0, 0, 200)).all() and (rgb[24, 89] == (0, 0, 200)).all()
    with pytest.raises(pd.PrepareError, match='p/image/c.png not found'):
        pd.assemble_board(_board([('c.png', 0.5, 0.5)]), files, 'p')


def test_package_route_sorts_photos_paintings_and_boards(tmp_path, monkeypatch, capsys):
    """``--source packages`` on stand-in bundles: explore pictures and photo backgrounds
    become photos, the listed Van Gogh backgrounds paintings, boards pictures."""
    pre = translation.PAINTINGS_DIR
    paintings = {f'{pre}/image/t.png': _tile((10, 20, 30), (20, 10))}
    for n in (4, 22):
        paintings[f'{pre}/board/board{n}_0.qml'] = _board([('t.png', 0.5, 0.5)]).encode()
    details = {'gcompris/src/activities/details/resource/image/Gogh4_background.webp': b'g',
               'gcompris/src/activities/details/resource/image/Gogh4_0.webp': b'tile',
               'gcompris/src/activities/details/resource/image/NDP_background.webp': b'n'}
    bundles = {'details': details, 'paintings': paintings,
               'explore_monuments': {'m/louvre.webp': b'l', 'm/info.qml': b'x'},
               'explore_world_animals': {'a/lion.webp': b'w'},
               'explore_farm_animals': {'a/cow.webp': b'c'}}
    monkeypatch.setattr(translation, 'TRANSLATION_BOARDS', {'vangogh': (22, ), 'ukiyoe': (4, )})

    def fake_extract(deb, wanted, dest):
        assert deb == 'gcompris.deb'
        for path in wanted:
            name = osp.basename(path)[:-len('.rcc')]
            target = osp.join(dest, path)
            os.makedirs(osp.dirname(target), exist_ok=True)
            with open(target, 'wb') as f:
                f.write(make_rcc(bundles[name]))

    monkeypatch.setattr(translation, '_fetch_debs',
                        lambda pkgs, work, debs: {pkgs[0]: 'gcompris.deb'})
    monkeypatch.setattr(translation, '_extract_deb', fake_extract)
    out = tmp_path / 'data' / 'translation'
    assert prepare('translation', '--source', 'packages', '--out', str(tmp_path / 'data')) == 0
    listing = {d.name: sorted(p.name for p in d.iterdir()) for d in out.iterdir()}
    assert listing == {
        'photo': ['cow.webp', 'lion.webp', 'louvre.webp'],
        'photo_test': ['NDP_background.webp'],  # every 8th photo (sorted): the first
        'vangogh': ['Gogh4_background.webp', 'board22_0.png'],
        'ukiyoe': ['board4_0.png']}
    assert (out / 'vangogh' / 'Gogh4_background.webp').read_bytes() == b'g'
    board = np.asarray(Image.open(out / 'ukiyoe' / 'board4_0.png'))
    assert board.shape == (10, 20, 3) and (board == (10, 20, 30)).all()
    assert 'warning' in capsys.readouterr().err  # stand-ins are not the reference set
