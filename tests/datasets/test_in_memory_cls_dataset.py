"""InMemoryClsDataset and its batch crop / flip: the same pixels and labels as mmpretrain's
per-sample pipeline from the same numpy state, and clear errors for what it cannot hold."""
import numpy as np
import pytest
import torch
from mmengine.dataset import default_collate, pseudo_collate
from mmengine.registry import init_default_scope

from mmkd_ext.datasets import InMemoryClsDataset, crop_flip, draw_crop_flip
from mmkd_ext.registry import DATASETS, MODELS
from tests.tools._tiny_cls import make_fashion_data

CROP = dict(type='mmpretrain.RandomCrop', crop_size=28, padding=2)
FLIP = dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal')
PACK = dict(type='mmpretrain.PackInputs')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_fashion_data(str(tmp_path_factory.mktemp('fm')), num_train=12, num_test=5)


def source(data_root: str, pipeline=(), train: bool = True) -> dict:
    return dict(type='mmpretrain.FashionMNIST', data_root=data_root, data_prefix='raw',
                split='train' if train else 'test', test_mode=not train, download=False,
                pipeline=list(pipeline), serialize_data=False)  # no gc.collect() per build


def build(data_root: str, train: bool = True, **kwargs) -> InMemoryClsDataset:
    init_default_scope('mmkd_ext')
    return DATASETS.build(dict(type='InMemoryClsDataset', dataset=source(data_root,
                                                                         train=train), **kwargs))


def per_sample(data_root: str, pipeline, indices, seed: int):
    """Images and labels of the per-sample (streaming) path, numpy seeded with ``seed``."""
    init_default_scope('mmkd_ext')
    upstream = DATASETS.build(source(data_root, pipeline))
    np.random.seed(seed)
    samples = [upstream[i] for i in indices]
    return (torch.stack([s['inputs'] for s in samples]),
            torch.cat([s['data_samples'].gt_label for s in samples]))


def in_memory(dataset: InMemoryClsDataset, indices, seed: int):
    np.random.seed(seed)
    batch = default_collate(dataset.__getitems__(list(indices)))
    return batch['inputs'], torch.cat([s.gt_label for s in batch['data_samples']])


def test_holds_the_upstream_images_and_labels(data_root):
    ds = build(data_root)
    upstream = DATASETS.build(source(data_root, [PACK]))
    assert len(ds) == len(upstream) == 12
    assert ds.images.dtype == torch.uint8 and tuple(ds.images.shape) == (12, 1, 28, 28)
    for i in (0, 7, 11):
        assert torch.equal(ds.images[i], upstream[i]['inputs'])
        assert int(ds.labels[i]) == int(upstream[i]['data_samples'].gt_label)
    assert ds.metainfo['classes'] == upstream.metainfo['classes']


@pytest.mark.parametrize('crop, flip', [
    (dict(crop_size=28, padding=2), dict(prob=0.5, direction='horizontal')),
    (dict(crop_size=24), None),
    (dict(crop_size=(20, 26), padding=1, pad_val=7), dict(prob=0.3)),
    (None, dict(prob=0.5)),
])
def test_batches_equal_the_per_sample_pipeline_from_the_same_numpy_state(data_root, crop, flip):
    pipeline = ([dict(type='mmpretrain.RandomCrop', **crop)] if crop else []) + \
        ([dict(type='mmpretrain.RandomFlip', **flip)] if flip else []) + [PACK]
    ds = build(data_root, random_crop=crop, random_flip=flip)
    indices = [3, 0, 11, 3, 5, 9, 1, 2, 8, 4]
    for seed in (0, 1):
        images, labels = in_memory(ds, indices, seed)
        ref_images, ref_labels = per_sample(data_root, pipeline, indices, seed)
        assert images.dtype == torch.uint8 and torch.equal(images, ref_images)
        assert torch.equal(labels, ref_labels)
        # and the numpy state moves on exactly as the per-sample path leaves it
        after = np.random.random_sample()
        per_sample(data_root, pipeline, indices, seed)
        assert np.random.random_sample() == after
    assert not torch.equal(in_memory(ds, indices, 0)[0], in_memory(ds, indices, 1)[0])


def test_no_augmentation_is_the_stored_images_and_draws_nothing(data_root):
    ds = build(data_root, train=False)
    np.random.seed(0)
    batch = ds.__getitems__([4, 1])
    assert np.random.random_sample() == np.random.RandomState(0).random_sample()
    assert torch.equal(batch[0]['inputs'], ds.images[4])
    assert int(batch[1]['data_samples'].gt_label) == int(ds.labels[1])
    single = ds[2]
    assert torch.equal(single['inputs'], ds.images[2])
    assert tuple(single['data_samples'].gt_label.shape) == (1, )


def test_crop_flip_golden():
    images = torch.arange(9, dtype=torch.uint8).reshape(1, 1, 3, 3).repeat(2, 2, 1, 1)
    out = crop_flip(images, torch.tensor([0, 1]), torch.tensor([1, 2]),
                    torch.tensor([False, True]), (2, 2), padding=1, pad_val=9)
    # padded image (5 x 5) rows: 9 9 9 9 9 / 9 0 1 2 9 / 9 3 4 5 9 / 9 6 7 8 9 / 9 9 9 9 9
    assert out.dtype == torch.uint8 and tuple(out.shape) == (2, 2, 2, 2)
    assert out[0, 0].tolist() == [[9, 9], [0, 1]]       # rows 0-1, columns 1-2
    assert out[1, 1].tolist() == [[2, 1], [5, 4]]       # rows 1-2, columns 2-3, mirrored
    assert torch.equal(out[:, 0], out[:, 1])             # every channel alike


def test_draws_cover_every_offset_and_flip_at_the_rate():
    np.random.seed(0)
    offset_h, offset_w, flip = draw_crop_flip(4000, 4, 4, 0.5)
    assert set(offset_h.tolist()) == set(offset_w.tolist()) == set(range(5))
    assert 0.45 < flip.mean() < 0.55
    assert not draw_crop_flip(10, 0, 0, None)[2].any()


def test_three_channel_preprocessor_broadcasts_alike(data_root):
    """fashion_mnist_3c: a 3-entry mean/std turns the gray batch into 3 channels, per sample
    (streaming) and on the stacked batch (in memory), with the same numbers."""
    init_default_scope('mmkd_ext')
    pre = MODELS.build(dict(type='mmpretrain.ClsDataPreprocessor', num_classes=10,
                            mean=[72.94] * 3, std=[90.02] * 3))
    ds = build(data_root, train=False)
    items = ds.__getitems__([0, 1, 2])
    stream = pre(pseudo_collate(items))['inputs']
    stacked = pre(default_collate(ds.__getitems__([0, 1, 2])))['inputs']
    assert tuple(stacked.shape) == (3, 3, 28, 28)
    assert torch.equal(stream, stacked)
    assert torch.equal(stacked[:, 0], stacked[:, 2])


def test_larger_than_max_bytes_names_size_limit_and_the_streaming_path(data_root):
    with pytest.raises(ValueError) as err:
        build(data_root, max_bytes=12 * 28 * 28 - 1)
    msg = str(err.value)
    assert '12 images of shape (1, 28, 28) need 9408 bytes' in msg
    assert 'max_bytes=9407' in msg
    assert 'streaming path' in msg and 'fashion_mnist.py' in msg
    assert len(build(data_root, max_bytes=12 * 28 * 28)) == 12  # exactly at the limit


@pytest.mark.parametrize('kwargs, match', [
    (dict(max_bytes=0), 'max_bytes must be a positive int'),
    (dict(max_bytes=1.5e9), 'max_bytes must be a positive int'),
    (dict(random_crop=dict(size=28)), r"random_crop: unknown keys \['size'\]; allowed"),
    (dict(random_crop=dict(crop_size=28, padding_mode='reflect')), 'unknown keys'),
    (dict(random_crop=dict(crop_size=33, padding=2)), 'at most the padded image'),
    (dict(random_crop=dict(crop_size=28, padding=(1, 2))), 'padding must be an int >= 0'),
    (dict(random_crop=dict(crop_size=28, pad_val=256)), r'pad_val must be an int in \[0, 255\]'),
    (dict(random_flip=dict(prob=0.5, direction='vertical')), "direction must be 'horizontal'"),
    (dict(random_flip=dict(prob=1.5)), r'prob must be a number in \[0, 1\]'),
    (dict(random_flip=dict(probability=0.5)), 'unknown keys'),
])
def test_bad_arguments(data_root, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(data_root, **kwargs)


def test_a_packing_upstream_pipeline_is_refused(data_root):
    init_default_scope('mmkd_ext')
    with pytest.raises(ValueError, match='decode-only pipeline, no PackInputs'):
        DATASETS.build(dict(type='InMemoryClsDataset', dataset=source(data_root, [PACK])))
