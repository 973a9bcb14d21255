"""The mixing API: parsing mixes (and refusing bad ones), a trained generator's mixes and
grids, checkpoints of the wrong model."""
import math

import cv2
import numpy as np
import pytest
import torch

from mmkd_ext.apis import SGNMixer, default_mixes, parse_mix
from tests.models._sgn import write_tiny_run

NAMES = ['photo', 'vangogh', 'ukiyoe']


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    return write_tiny_run(tmp_path_factory.mktemp('sgn_api'))


@pytest.mark.parametrize('mix', ['vangogh=0.3, ukiyoe=0.2,photo=0.5',
                                 dict(vangogh=0.3, ukiyoe=0.2, photo=0.5), [0.5, 0.3, 0.2],
                                 torch.tensor([0.5, 0.3, 0.2])])
def test_mix_forms(mix):
    assert torch.allclose(parse_mix(mix, NAMES), torch.tensor([0.5, 0.3, 0.2]))


def test_left_out_names_are_zero_and_extrapolation_above_one_is_allowed():
    assert parse_mix('vangogh=1.5', NAMES).tolist() == [0, 1.5, 0]
    assert parse_mix('vangogh=2,photo=-1', NAMES, allow_extrapolation=True).tolist() == [
        -1, 2, 0]


@pytest.mark.parametrize('mix, match', [
    ('monet=0.5,photo=0.5', "unknown domain 'monet'.*\\['photo', 'vangogh', 'ukiyoe'\\]"),
    (dict(Vangogh=1.0), "unknown domain 'Vangogh'"),
    ([0.5, 0.5], "2 entries \\[0.5, 0.5\\] for a model with 3 terms"),
    ([0.2, 0.2, 0.2, 0.4], '4 entries'),
    ('vangogh=-0.5,photo=1.5', 'negative mix entry vangogh=-0.5.*allow-extrapolation'),
    ('vangogh:0.5', "'vangogh:0.5' is not NAME=NUMBER"),
    ('vangogh=abc', "'vangogh=abc' is not NAME=NUMBER"),
    ('vangogh=0.5,vangogh=0.5', "'vangogh' twice"),
    (' , ', 'empty mix'),
    ([math.nan, 0, 1], 'not a finite number'),
])
def test_bad_mixes_name_the_value_and_the_choices(mix, match):
    with pytest.raises(ValueError, match=match):
        parse_mix(mix, NAMES)


def test_default_mixes():
    mixes = default_mixes(NAMES)
    assert mixes[:3] == [dict(photo=1.0), dict(vangogh=1.0), dict(ukiyoe=1.0)]
    assert dict(photo=0.5, ukiyoe=0.5) in mixes and dict(vangogh=1.5) in mixes
    assert dict(photo=1.5) not in mixes and len(mixes) == 3 + 3 + 1 + 2


def test_mixer_translates_and_lays_out_grids(run, tmp_path):
    mixer = SGNMixer(*run)
    assert mixer.names == NAMES
    img = np.random.default_rng(0).integers(0, 256, (30, 41, 3), dtype=np.uint8)
    out = mixer.mix(img, 'vangogh=0.3,ukiyoe=0.2,photo=0.5')
    assert out.shape == (28, 40, 3) and out.dtype == np.uint8  # multiples of 4
    assert not np.array_equal(out, mixer.mix(img, 'ukiyoe=1'))
    path = str(tmp_path / 'in.png')
    cv2.imwrite(path, img[..., ::-1])
    assert np.array_equal(mixer.mix(path, [0.5, 0.3, 0.2]), out)
    grid = mixer.grid([path, img], size=16)
    assert grid.shape == (2 * 16 + 4, 10 * 16 + 9 * 4, 3)  # input + 9 default mixes


def test_generator_from_a_checkpoint_matches_the_trained_one(run):
    mixer = SGNMixer(*run)
    state = torch.load(run[1], weights_only=True)['state_dict']
    for key, value in mixer.generator.state_dict().items():
        assert torch.equal(value, state['generator.' + key]), key


def test_wrong_checkpoint_and_unreadable_image(run, tmp_path):
    other = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {'generator.conv.weight': torch.zeros(1)}}, other)
    with pytest.raises(ValueError, match="does not hold the generator of this config"):
        SGNMixer(run[0], other)
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'not an image')
    mixer = SGNMixer(run[0])
    with pytest.raises(ValueError, match=f"cannot read image '{broken}'"):
        mixer.mix(str(broken), 'photo=1')
    with pytest.raises(FileNotFoundError, match='nothing.png'):
        mixer.mix(str(tmp_path / 'nothing.png'), 'photo=1')
