import pytest
import torch
from torch import nn

from mmkd_ext.models.feature_taps import FeatureTaps, parse_tap


class Net(nn.Module):

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 1)
        self.body = nn.Sequential(nn.Conv2d(4, 4, 1), nn.ReLU())
        self.head = nn.Conv2d(4, 2, 1)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        x = self.stem(x)
        y = self.body(x)
        y += x  # in place: a tap on `body` no longer holds body's output afterwards
        return self.head(y)


def test_parse_tap():
    assert parse_tap('a.b') == ('a.b', 'output')
    assert parse_tap('a.b:input') == ('a.b', 'input')
    with pytest.raises(ValueError, match='"input" or "output"'):
        parse_tap('a.b:inpt')
    with pytest.raises(TypeError):
        parse_tap(3)


def test_records_output_and_input():
    net = Net()
    taps = FeatureTaps(net, ['stem', 'head:input'])
    x = torch.rand(1, 3, 4, 4)
    with taps.record() as feats:
        out = net(x)
    assert torch.equal(feats['stem'], net.stem(x))
    # the input of head is body(stem(x)) + stem(x)
    s = net.stem(x)
    assert torch.allclose(feats['head:input'], net.body(s) + s)
    assert out.shape == (1, 2, 4, 4)
    # outside `record()` nothing is stored
    net(x)
    assert set(feats) == {'stem', 'head:input'}


def test_wrong_path_lists_nearest():
    with pytest.raises(ValueError, match=r"nearest existing paths: \['body'"):
        FeatureTaps(Net(), ['bdy'])


def test_in_place_modification_is_detected():
    net = Net()
    taps = FeatureTaps(net, ['body'])
    with pytest.raises(RuntimeError, match='modified in place'):
        with taps.record():
            net(torch.rand(1, 3, 4, 4))


def test_stop_after_last_skips_the_rest():
    net = Net()
    taps = FeatureTaps(net, ['stem'], stop_after_last=True)
    head_calls = []
    net.head.register_forward_hook(lambda *a: head_calls.append(1))
    with taps.record() as feats:
        net(torch.rand(1, 3, 4, 4))
    assert 'stem' in feats and head_calls == []


def test_tap_that_never_fires():
    net = Net()
    taps = FeatureTaps(net, ['stem'])
    with pytest.raises(RuntimeError, match='did not fire'):
        with taps.record():
            pass
