import pytest
import torch

from mmkd_ext.models.algorithms.sgn_image_pool import SymImagePool


def test_fills_then_replays_pairs_together():
    pool = SymImagePool(size=3, ratio=1.0)
    imgs = torch.arange(3.).view(3, 1, 1, 1).expand(3, 3, 2, 2)
    s = torch.tensor([[0.], [1.], [2.]])
    out, out_s = pool.query(imgs, s)  # filling: returned as given
    assert torch.equal(out, imgs) and torch.equal(out_s, s) and len(pool) == 3
    torch.manual_seed(0)
    for k in range(4):  # ratio 1: an old pair comes back, the new one takes its place
        out, out_s = pool.query(imgs[:1] + 10 * (k + 1), s[:1] + 10 * (k + 1))
        assert out[0, 0, 0, 0] < 10 * (k + 1) and out_s[0, 0] < 10 * (k + 1)
        assert out[0, 0, 0, 0] == out_s[0, 0]  # image and s stay paired
    assert len(pool) == 3


def test_size_zero_passes_through():
    pool = SymImagePool(size=0)
    x, s = torch.rand(2, 3, 2, 2), torch.rand(2, 3)
    assert pool.query(x, s)[0] is not x and torch.equal(pool.query(x, s)[0], x)


def test_contents_travel_in_the_state_dict():
    pool = SymImagePool(size=4)
    pool.query(torch.rand(2, 3, 2, 2), torch.rand(2, 3))
    other = SymImagePool(size=4)
    other.load_state_dict(pool.state_dict())
    assert len(other) == 2
    assert all(torch.equal(a, b) for a, b in zip(other.images + other.syms,
                                                  pool.images + pool.syms))
    empty = SymImagePool(size=4)
    empty.load_state_dict(SymImagePool(size=4).state_dict())
    assert len(empty) == 0


@pytest.mark.parametrize('kwargs', [dict(size=-1), dict(size=1.5), dict(ratio=2.0)])
def test_bad_options(kwargs):
    with pytest.raises(ValueError):
        SymImagePool(**kwargs)
