"""mmkd_ext.benchmark: the timer and inputs the benchmark scripts share (no timing asserted)."""
import pytest

from mmkd_ext.benchmark import interleaved_medians, random_cls_batch


def test_every_step_runs_in_turn_warmup_included():
    calls = []
    medians = interleaved_medians({'a': lambda: calls.append('a'),
                                   'b': lambda: calls.append('b')}, repeats=3, warmup=1)
    assert calls == ['a', 'b'] * 4
    assert set(medians) == {'a', 'b'} and all(m >= 0 for m in medians.values())


@pytest.mark.parametrize('repeats, warmup', [(0, 1), (2, -1)])
def test_bad_counts(repeats, warmup):
    with pytest.raises(ValueError, match='repeats must be >= 1 and warmup >= 0'):
        interleaved_medians({'a': lambda: None}, repeats, warmup)


def test_random_batch_is_what_mmpretrain_loaders_give():
    data = random_cls_batch(batch=3, channels=1, size=8, classes=10)
    assert len(data['inputs']) == 3 and data['inputs'][0].shape == (1, 8, 8)
    assert str(data['inputs'][0].dtype) == 'torch.uint8'
    assert all(0 <= int(s.gt_label) < 10 for s in data['data_samples'])
