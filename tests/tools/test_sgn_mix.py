"""tools/sgn_mix.py on a tiny trained checkpoint: one mix, a grid, and the errors a user
meets (unknown domain, negative entries, unreadable image, a checkpoint of another model)."""
import cv2
import numpy as np
import pytest
import torch

from tests.models._sgn import write_tiny_run
from tests.tools._tiny_sr import run_tool_in_process


def sgn_mix(*argv: str) -> int:
    """``python tools/sgn_mix.py ARGV``'s exit status, in this process."""
    return run_tool_in_process('sgn_mix.py', *argv)


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp('sgn_cli')
    config, ckpt = write_tiny_run(folder)
    image = str(folder / 'photo.jpg')
    cv2.imwrite(image, np.random.default_rng(0).integers(0, 256, (26, 35, 3), dtype=np.uint8))
    return config, ckpt, image


def test_one_mix_and_a_grid(run, tmp_path, capsys):
    config, ckpt, image = run
    assert sgn_mix(config, ckpt, image, '--mix', 'vangogh=0.3,ukiyoe=0.2,photo=0.5',
                         '--out', str(tmp_path)) == 0
    out = tmp_path / 'photo_photo0.5_vangogh0.3_ukiyoe0.2.png'
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(out)
    assert cv2.imread(str(out)).shape == (24, 32, 3)
    grid = str(tmp_path / 'grid.png')
    assert sgn_mix(config, ckpt, image, image, '--grid', '--size', '16', '--out', grid,
                         '--mixes', 'photo=1; vangogh=2,photo=-1', '--allow-extrapolation') == 0
    assert cv2.imread(grid).shape == (2 * 16 + 4, 3 * 16 + 2 * 4, 3)


@pytest.mark.parametrize('args, message', [
    (['--mix', 'monet=1'], "unknown domain 'monet' in the mix; the model mixes ['photo', "
                           "'vangogh', 'ukiyoe']"),
    (['--mix', 'vangogh=1.5,photo=-0.5'], 'negative mix entry photo=-0.5'),
    (['--grid', '--mixes', 'photo=1;ukiyo=1'], "unknown domain 'ukiyo'"),
])
def test_bad_mixes(run, args, message, capsys):
    config, ckpt, image = run
    assert sgn_mix(config, ckpt, image, *args) == 2
    assert message in capsys.readouterr().err


def test_bad_files(run, tmp_path, capsys):
    config, ckpt, image = run
    broken = tmp_path / 'broken.png'
    broken.write_bytes(b'\x89PNG truncated')
    assert sgn_mix(config, ckpt, str(broken), '--mix', 'photo=1') == 2
    assert f"cannot read image '{broken}'" in capsys.readouterr().err
    other = str(tmp_path / 'classifier.pth')
    torch.save({'state_dict': {'backbone.conv1.weight': torch.zeros(1)}}, other)
    assert sgn_mix(config, other, image, '--mix', 'photo=1') == 2
    assert 'does not hold the generator of this config' in capsys.readouterr().err


def test_needs_one_of_mix_and_grid(run):
    config, ckpt, image = run
    with pytest.raises(SystemExit):
        sgn_mix(config, ckpt, image)
    with pytest.raises(SystemExit):
        sgn_mix(config, ckpt, image, '--mix', 'photo=1', '--grid')
    with pytest.raises(SystemExit):
        sgn_mix(config, ckpt, image, '--grid', '--sweep')
    with pytest.raises(SystemExit):
        sgn_mix(config, ckpt, image, image, '--sweep')


def test_simplex_sweep(run, tmp_path, capsys):
    """``--sweep``: (steps + 1) x (steps + 1) cells; cell (r, c) is G(x, s) with
    s = (1 - r/k - c/k, r/k, c/k); the cells outside the simplex are white."""
    from mmkd_ext.apis.sgn_mix import SGNMixer, center_square, read_image, translate
    config, ckpt, image = run
    out = str(tmp_path / 'sweep.png')
    assert sgn_mix(config, ckpt, image, '--sweep', '--step', '0.5', '--size', '16',
                   '--out', out) == 0
    sweep = cv2.imread(out)[..., ::-1]
    assert sweep.shape == (3 * 16 + 2 * 4, 3 * 16 + 2 * 4, 3)
    mixer = SGNMixer(config, ckpt)
    img = center_square(read_image(image, 16))

    def cell(r, c):
        return sweep[r * 20:r * 20 + 16, c * 20:c * 20 + 16]

    np.testing.assert_array_equal(cell(1, 1), translate(mixer.generator, img,
                                                        torch.tensor([0.0, 0.5, 0.5])))
    np.testing.assert_array_equal(cell(0, 2), translate(mixer.generator, img,
                                                        torch.tensor([0.0, 0.0, 1.0])))
    assert (cell(2, 2) == 255).all() and (cell(1, 2) == 255).all()
    with pytest.raises(ValueError, match='step must divide 1'):
        mixer.sweep(image, step=0.3)


def test_palette_grid_is_smaller_and_close(run, tmp_path):
    """``--palette``: the same grid as a 256-colour PNG."""
    from PIL import Image
    config, ckpt, image = run
    full, small = str(tmp_path / 'full.png'), str(tmp_path / 'small.png')
    assert sgn_mix(config, ckpt, image, '--grid', '--size', '16', '--out', full) == 0
    assert sgn_mix(config, ckpt, image, '--grid', '--size', '16', '--out', small,
                   '--palette') == 0
    assert Image.open(small).mode == 'P'
    a = np.asarray(Image.open(full).convert('RGB'), np.float64)
    b = np.asarray(Image.open(small).convert('RGB'), np.float64)
    assert a.shape == b.shape and np.abs(a - b).mean() < 8
    with pytest.raises(SystemExit):
        sgn_mix(config, ckpt, image, '--mix', 'photo=1', '--palette')
