"""SGNMixGridHook outside a full run (tests/models/algorithms/test_sgn_runner.py runs it in
one): the row it draws and its errors."""
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch

from mmkd_ext.engine.hooks import SGNMixGridHook
from tests.models._sgn import tiny_sgn


def fake_runner(model, dataset=None):
    return SimpleNamespace(model=model, train_dataloader=SimpleNamespace(dataset=dataset))


@pytest.fixture
def photo(tmp_path):
    path = str(tmp_path / 'photo.png')
    cv2.imwrite(path, np.random.default_rng(0).integers(0, 256, (20, 28, 3), dtype=np.uint8))
    return path


def test_row_of_input_and_mixes(photo):
    hook = SGNMixGridHook(image=photo, mixes=['photo=1', 'vangogh=0.5,ukiyoe=0.5'], size=16)
    grid = hook.grid(fake_runner(tiny_sgn()))
    assert grid.shape == (16, 3 * 16 + 2 * 4, 3) and grid.dtype == np.uint8
    default = SGNMixGridHook(size=16)  # first source image of the training set
    dataset = SimpleNamespace(domains=['photo'], paths={'photo': [photo]})
    assert default.grid(fake_runner(tiny_sgn(), dataset)).shape[1] == 10 * 16 + 9 * 4


def test_errors(photo, tmp_path):
    with pytest.raises(ValueError, match='positive int'):
        SGNMixGridHook(image=photo, interval=0)
    with pytest.raises(TypeError, match='needs an SGN model, got Linear'):
        SGNMixGridHook(image=photo).grid(fake_runner(torch.nn.Linear(1, 1)))
    with pytest.raises(ValueError, match="unknown domain 'monet'"):
        SGNMixGridHook(image=photo, mixes=['monet=1']).grid(fake_runner(tiny_sgn()))
    with pytest.raises(ValueError, match='give `image`'):
        SGNMixGridHook().grid(fake_runner(tiny_sgn(), dataset=[1, 2]))
    (tmp_path / 'bad.png').write_bytes(b'nope')
    with pytest.raises(ValueError, match='cannot read image'):
        SGNMixGridHook(image=str(tmp_path / 'bad.png')).grid(fake_runner(tiny_sgn()))
