"""InMemoryFashionMNIST and its batch crop / flip: the same pixels and labels as mmpretrain's
FashionMNIST with the same pipeline from the same numpy state, on the batch path and on the
per-sample fallback, and clear errors for what it cannot hold."""
import numpy as np
import pytest
import torch
from mmengine.dataset import default_collate, pseudo_collate
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from mmpretrain.datasets import FashionMNIST

from mmkd_ext.datasets import InMemoryClsDataset, crop_flip, draw_crop_flip
from mmkd_ext.registry import DATASETS, MODELS
from tests.tools._tiny_cls import make_fashion_data

CROP = dict(type='mmpretrain.RandomCrop', crop_size=28, padding=2)
FLIP = dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal')
PACK = dict(type='mmpretrain.PackInputs')
INDICES = [3, 0, 11, 3, 5, 9, 1, 2, 8, 4]


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_fashion_data(str(tmp_path_factory.mktemp('fm')), num_train=12, num_test=5)


def build(data_root: str, pipeline=(PACK, ), inmem: bool = True, train: bool = True,
          **kwargs):
    init_default_scope('mmkd_ext')
    return DATASETS.build(dict(
        type='InMemoryFashionMNIST' if inmem else 'mmpretrain.FashionMNIST',
        data_root=data_root, data_prefix='raw', split='train' if train else 'test',
        test_mode=not train, download=False, pipeline=list(pipeline),
        serialize_data=False,  # no gc.collect() per build
        **kwargs))


def stacked(samples):
    return (torch.stack([s['inputs'] for s in samples]),
            torch.cat([s['data_samples'].gt_label for s in samples]))


def fetch(dataset, seed: int, batch: bool = True):
    np.random.seed(seed)
    if batch:
        samples = dataset.__getitems__(list(INDICES))
    else:
        samples = [dataset[i] for i in INDICES]
    return stacked(samples)


def test_holds_the_upstream_images_and_labels(data_root):
    ds = build(data_root)
    upstream = build(data_root, inmem=False)
    assert isinstance(ds, FashionMNIST) and len(ds) == len(upstream) == 12
    assert ds.images.dtype == torch.uint8 and tuple(ds.images.shape) == (12, 1, 28, 28)
    assert ds.data_list == []  # the tensors are the only copy
    for i in (0, 7, 11):
        assert torch.equal(ds.images[i], upstream[i]['inputs'])
        assert int(ds.labels[i]) == int(upstream[i]['data_samples'].gt_label)
        info, ref = ds.get_data_info(i), upstream.get_data_info(i)
        assert info['img'].shape == ref['img'].shape and (info['img'] == ref['img']).all()
        assert info['gt_label'] == ref['gt_label'] and info['sample_idx'] == i
    assert ds.metainfo == upstream.metainfo
    subset = build(data_root, indices=[5, 2])
    assert len(subset) == 2 and torch.equal(subset.images, ds.images[[5, 2]])


@pytest.mark.parametrize('pipeline', [
    [CROP, FLIP, PACK],
    [dict(CROP, crop_size=24, padding=None), PACK],
    [dict(CROP, crop_size=(20, 26), padding=1, pad_val=7), dict(FLIP, prob=0.3), PACK],
    [FLIP, PACK],
])
def test_batches_equal_the_per_sample_pipeline_from_the_same_numpy_state(data_root, pipeline):
    ds = build(data_root, pipeline)
    assert ds.batch_plan is not None and ds.batch_plan['augment']
    upstream = build(data_root, pipeline, inmem=False)
    for seed in (0, 1):
        images, labels = fetch(ds, seed)
        after = np.random.random_sample()  # the numpy state moves on as the pipeline's does
        ref_images, ref_labels = fetch(upstream, seed, batch=False)
        assert np.random.random_sample() == after
        assert images.dtype == torch.uint8 and torch.equal(images, ref_images)
        assert torch.equal(labels, ref_labels)
        assert torch.equal(fetch(ds, seed, batch=False)[0], ref_images)  # ds[i] alike
    assert not torch.equal(fetch(ds, 0)[0], fetch(ds, 1)[0])


@pytest.mark.parametrize('pipeline', [
    [dict(FLIP, direction='vertical'), PACK],
    [FLIP, CROP, PACK],  # flip before crop: other pixels for the same draws
    [dict(CROP, padding=(1, 2)), PACK],
    [CROP, dict(type='mmpretrain.Rotate', angle=10., prob=0.5), PACK],
])
def test_other_pipelines_run_per_sample_with_a_warning(data_root, pipeline, capsys):
    MMLogger.get_instance('mmkd_ext_test_inmem')  # print_log(logger='current') needs one
    ds = build(data_root, pipeline)
    assert ds.batch_plan is None
    assert 'so samples go through the pipeline one by one' in capsys.readouterr().out
    upstream = build(data_root, pipeline, inmem=False)
    images, labels = fetch(ds, 0)
    ref_images, ref_labels = fetch(upstream, 0, batch=False)
    assert torch.equal(images, ref_images) and torch.equal(labels, ref_labels)


def test_no_augmentation_is_the_stored_images_and_draws_nothing(data_root):
    ds = build(data_root, train=False)
    assert ds.batch_plan == dict(crop_size=(28, 28), padding=0, pad_val=0, spans=(0, 0),
                                 flip_prob=None, augment=False)
    np.random.seed(0)
    batch = ds.__getitems__([4, 1])
    assert np.random.random_sample() == np.random.RandomState(0).random_sample()
    assert torch.equal(batch[0]['inputs'], ds.images[4])
    assert batch[1]['data_samples'].sample_idx == 1
    assert batch[1]['data_samples'].gt_label.tolist() == [int(ds.labels[1])]


def test_crop_flip_golden():
    images = torch.arange(9, dtype=torch.uint8).reshape(1, 1, 3, 3).repeat(2, 2, 1, 1)
    out = crop_flip(images, torch.tensor([0, 1]), torch.tensor([1, 2]),
                    torch.tensor([False, True]), (2, 2), padding=1, pad_val=9)
    # padded image (5 x 5) rows: 9 9 9 9 9 / 9 0 1 2 9 / 9 3 4 5 9 / 9 6 7 8 9 / 9 9 9 9 9
    assert out.dtype == torch.uint8 and tuple(out.shape) == (2, 2, 2, 2)
    assert out[0, 0].tolist() == [[9, 9], [0, 1]]  # rows 0-1, columns 1-2
    assert out[1, 1].tolist() == [[2, 1], [5, 4]]  # rows 1-2, columns 2-3, mirrored
    assert torch.equal(out[:, 0], out[:, 1])  # every channel alike


def test_draws_cover_every_offset_and_flip_at_the_rate():
    np.random.seed(0)
    offset_h, offset_w, flip = draw_crop_flip(4000, 4, 4, 0.5)
    assert set(offset_h.tolist()) == set(offset_w.tolist()) == set(range(5))
    assert 0.45 < flip.mean() < 0.55
    assert not draw_crop_flip(10, 0, 0, None)[2].any()


def test_three_channel_preprocessor_broadcasts_alike(data_root):
    """fashion_mnist_3c: a 3-entry mean/std turns the gray batch into 3 channels, per sample
    (pseudo_collate) and on the stacked batch (default_collate), with the same numbers."""
    init_default_scope('mmkd_ext')
    pre = MODELS.build(dict(type='mmpretrain.ClsDataPreprocessor', num_classes=10,
                            mean=[72.94] * 3, std=[90.02] * 3))
    ds = build(data_root, train=False)
    per_sample = pre(pseudo_collate(ds.__getitems__([0, 1, 2])))['inputs']
    whole = pre(default_collate(ds.__getitems__([0, 1, 2])))['inputs']
    assert tuple(whole.shape) == (3, 3, 28, 28)
    assert torch.equal(per_sample, whole) and torch.equal(whole[:, 0], whole[:, 2])


def test_larger_than_max_bytes_names_size_limit_and_the_streaming_path(data_root):
    with pytest.raises(ValueError) as err:
        build(data_root, max_bytes=12 * 28 * 28 - 1)
    msg = str(err.value)
    assert 'InMemoryFashionMNIST: 12 images of shape (1, 28, 28) need 9408 bytes' in msg
    assert 'max_bytes=9407' in msg
    assert 'streaming path' in msg and 'mmpretrain.FashionMNIST' in msg
    assert len(build(data_root, max_bytes=12 * 28 * 28)) == 12  # exactly at the limit


@pytest.mark.parametrize('max_bytes', [0, -1, 1.5e9, True, '2GiB'])
def test_bad_max_bytes(data_root, max_bytes):
    with pytest.raises(ValueError, match='max_bytes must be a positive int'):
        build(data_root, max_bytes=max_bytes)


def test_images_must_be_uint8_arrays_of_one_shape(data_root):
    class Odd(InMemoryClsDataset, FashionMNIST):
        images_of = None

        def load_data_list(self):
            return [dict(img=img, gt_label=np.int64(0)) for img in self.images_of]

    Odd.images_of = [np.zeros((4, 4), np.float32)]
    with pytest.raises(ValueError, match=r'must hold `img`, a uint8 \(H, W\) or \(H, W, C\)'):
        Odd(data_root=data_root, data_prefix='raw', download=False)
    Odd.images_of = [np.zeros((4, 4), np.uint8), np.zeros((4, 5), np.uint8)]
    with pytest.raises(ValueError, match=r'image 1 has shape \(1, 4, 5\), image 0 \(1, 4, 4\)'):
        Odd(data_root=data_root, data_prefix='raw', download=False)
