"""tools/prepare_data.py (mmkd_ext.apis.prepare_data): the Qt resource reader, the geometry
rules, and small real runs from the shared data folder (the package route needs the
network; it is checked by hand with
``python tools/prepare_data.py all --source packages --out /tmp/x``)."""
import os
import os.path as osp
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from mmkd_ext.apis import prepare_data as pd
from mmkd_ext.apis.prepare_data import sources
from tests.tools._tiny_sr import TOOLS, run_tool_in_process

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SHARED = osp.join(osp.dirname(REPO), 'shared', 'datasets')
needs_shared = pytest.mark.skipif(
    not osp.isdir(osp.join(SHARED, 'sr')), reason='no ../shared/datasets on this machine')


def prepare(*argv: str) -> int:
    """``python tools/prepare_data.py ARGV``'s exit status, in this process."""
    return run_tool_in_process('prepare_data.py', *argv)


def make_rcc(files: dict, version: int = 3, compressed: tuple = ()) -> bytes:
    """A Qt binary resource bundle holding ``files`` ({'dir/name': bytes}), as rcc writes
    it: directory children in consecutive nodes, names UTF-16-BE, ``compressed`` entries
    as a 4-byte length + zlib."""
    tree = {}
    for path, data in files.items():
        node = tree
        *dirs, leaf = path.split('/')
        for d in dirs:
            node = node.setdefault(d, {})
        node[leaf] = (path, data)

    names, name_offsets = bytearray(), {}

    def name_offset(name: str) -> int:
        if name not in name_offsets:
            name_offsets[name] = len(names)
            names.extend(struct.pack('>HI', len(name), 0) + name.encode('utf-16-be'))
        return name_offsets[name]

    tail = b'' if version == 1 else bytes(8)  # the mtime of versions 2 and 3
    nodes, data = [None], bytearray()
    queue = [(0, '', tree)]
    while queue:
        index, name, content = queue.pop(0)
        if isinstance(content, dict):
            first = len(nodes)
            nodes.extend([None] * len(content))
            nodes[index] = struct.pack('>IHII', name_offset(name), 2, len(content), first)
            queue.extend((first + i, k, v) for i, (k, v) in enumerate(sorted(content.items())))
        else:
            path, payload = content
            flags = 0
            if path in compressed:
                payload, flags = struct.pack('>I', len(payload)) + zlib.compress(payload), 1
            nodes[index] = struct.pack('>IHHHI', name_offset(name), flags, 0, 0, len(data))
            data.extend(struct.pack('>I', len(payload)) + payload)
    tree_blob = b''.join(n + tail for n in nodes)
    header = 20 + (4 if version >= 3 else 0)
    offsets = (header, header + len(tree_blob), header + len(tree_blob) + len(data))
    head = b'qres' + struct.pack('>4I', version, *offsets)
    head += struct.pack('>I', 0) if version >= 3 else b''
    return head + tree_blob + bytes(data) + bytes(names)


@pytest.mark.parametrize('version', [1, 2, 3])
def test_read_rcc(version):
    files = {
        'gcompris/erase/resource/cat.webp': b'RIFF' + bytes(range(256)) * 4,
        'gcompris/erase/resource/README': 'Photos: CC-BY-SA-4.0 ü'.encode(),
        'gcompris/explore/animals/émeu.webp': b'\x00\x01' * 300,
        'top.qml': b'import QtQuick 2.12',
    }
    blob = make_rcc(files, version, compressed=('gcompris/erase/resource/cat.webp',
                                                'top.qml'))
    assert pd.read_rcc(blob) == files


def test_read_rcc_rejects_other_files():
    with pytest.raises(pd.PrepareError, match='qres'):
        pd.read_rcc(b'RIFF\x00\x00\x00\x00WEBP')
    blob = bytearray(make_rcc({'a.txt': b'a'}))
    blob[4:8] = struct.pack('>I', 9)
    with pytest.raises(pd.PrepareError, match='version 9'):
        pd.read_rcc(bytes(blob))


def test_crop_to_multiple_of_12():
    img = np.arange(257 * 300 * 3).reshape(257, 300, 3)
    out = pd.crop_to_multiple(img)
    assert out.shape == (252, 300, 3)
    assert (out == img[:252, :300]).all()  # top-left part, like mmagic's GTmod12
    assert pd.crop_to_multiple(np.zeros((451, 600)), 12).shape == (444, 600)
    assert pd.crop_to_multiple(np.zeros((11, 30))).shape == (0, 24)


def test_subimage_origins():
    assert pd.subimage_origins(1080, 240, 240) == [0, 240, 480, 720, 840]
    assert pd.subimage_origins(480, 240, 240) == [0, 240]
    assert pd.subimage_origins(240, 240, 240) == [0]
    assert pd.subimage_origins(239, 240, 240) == []
    assert pd.subimage_origins(600, 240, 120) == [0, 120, 240, 360]


def test_bicubic_downscale():
    flat = np.full((24, 36, 3), 77, np.uint8)
    for s in (2, 3, 4):
        out = pd.bicubic_downscale(flat, s)
        assert out.dtype == np.uint8 and out.shape == (24 // s, 36 // s, 3)
        assert (out == 77).all()
    ramp = np.tile(np.linspace(0, 255, 48).astype(np.uint8)[None, :, None], (24, 1, 3))
    out = pd.bicubic_downscale(ramp, 4)
    assert (np.diff(out[0, :, 0].astype(int)) >= 0).all()  # a smooth ramp stays monotone
    with pytest.raises(ValueError, match='multiple'):
        pd.bicubic_downscale(np.zeros((25, 24, 3), np.uint8), 2)


def test_missing_data_message():
    msg = pd.missing_data_message('data/sr_demo/train_hr_sub')
    assert msg.startswith('data/sr_demo/train_hr_sub not found')
    assert 'python tools/prepare_data.py sr' in msg
    assert 'tools/prepare_data.py cls' in pd.missing_data_message('data/fashion_mnist/raw')
    msg = pd.missing_data_message('/abs/data/DIV2K/DIV2K_train_HR_sub')
    assert 'preprocess_div2k_dataset.py' in msg and 'sr_demo' in msg
    assert 'GTmod12' in pd.missing_data_message('data/Urban100')
    assert 'data_root' in pd.missing_data_message('data/cifar100')


def test_missing_tools_name_the_packages(monkeypatch, tmp_path):
    monkeypatch.setattr(sources.shutil, 'which', lambda name: None if name == 'apt-get' else name)
    with pytest.raises(pd.PrepareError, match='gcompris-qt-data, opencv-doc.*--debs'):
        sources._fetch_debs(['gcompris-qt-data', 'opencv-doc'], str(tmp_path), None)
    with pytest.raises(pd.PrepareError, match='no opencv-doc_'):
        sources._fetch_debs(['opencv-doc'], str(tmp_path), str(tmp_path))
    monkeypatch.setattr(sources.shutil, 'which', lambda name: None)
    with pytest.raises(pd.PrepareError, match='dpkg-deb not found.*opencv-doc'):
        sources._fetch_debs(['opencv-doc'], str(tmp_path), str(tmp_path))


def test_parse_args_checks_options():
    import runpy
    parse_args = runpy.run_path(osp.join(TOOLS, 'prepare_data.py'))['parse_args']
    args = parse_args(['sr'])
    assert args.out == osp.join(REPO, 'data') and args.source == 'auto'
    with pytest.raises(SystemExit):
        parse_args(['sr', '--crop-size', '100'])
    with pytest.raises(SystemExit):
        parse_args(['cls', '--limit', '0'])


@needs_shared
def test_shared_folder_is_the_reference_set():
    assert pd.verify_sr_sources(osp.join(SHARED, 'sr')) == []


@pytest.fixture(scope='module')
def prepared(tmp_path_factory):
    out = tmp_path_factory.mktemp('data')
    assert prepare('all', '--out', str(out), '--limit', '2', '--nproc', '1') == 0
    return out


@needs_shared
def test_sr_layout(prepared):
    sr = prepared / 'sr_demo'
    train = sorted(os.listdir(sr / 'train_hr'))
    assert train == sorted(os.listdir(osp.join(SHARED, 'sr', 'train_hr')))[:2]
    assert sorted(os.listdir(sr / 'bench14_hr')) == sorted(n + '.png' for n in
                                                           pd.BENCH14_PIXEL_MD5)
    subs = sorted(os.listdir(sr / 'train_hr_sub'))
    expected = []
    for name in train:
        w, h = Image.open(sr / 'train_hr' / name).size
        count = len(pd.subimage_origins(h, 240, 240)) * len(pd.subimage_origins(w, 240, 240))
        expected += [f'{osp.splitext(name)[0]}_s{i:03d}.png' for i in range(1, count + 1)]
    assert subs == sorted(expected)
    for hr_dir, lr_pattern in (('train_hr_sub', 'train_lr_sub_x{}'),
                               ('bench14_hr', 'bench14_lr_x{}')):
        names = sorted(os.listdir(sr / hr_dir))
        for s in (2, 3, 4):
            assert sorted(os.listdir(sr / lr_pattern.format(s))) == names
            for name in names[::7]:
                hw, hh = Image.open(sr / hr_dir / name).size
                lw, lh = Image.open(sr / lr_pattern.format(s) / name).size
                assert (hw, hh) == (s * lw, s * lh) and hw % 12 == 0 and hh % 12 == 0
    assert Image.open(sr / 'train_hr_sub' / subs[0]).size == (240, 240)


@needs_shared
def test_cls_layout_is_what_mmpretrain_reads(prepared):
    from mmpretrain.datasets import FashionMNIST
    raw = prepared / 'fashion_mnist' / 'raw'
    expected = {n[:-3] for n, _ in FashionMNIST.train_list + FashionMNIST.test_list}
    assert set(os.listdir(raw)) == expected
    header = (raw / 't10k-images-idx3-ubyte').read_bytes()[:16]
    assert struct.unpack('>4I', header) == (2051, 10000, 28, 28)


@needs_shared
def test_rerun_skips_existing_files(prepared, capsys):
    before = {p: p.stat().st_mtime_ns for p in (prepared / 'sr_demo').rglob('*.png')}
    assert prepare('all', '--out', str(prepared), '--limit', '2', '--nproc', '1') == 0
    out = capsys.readouterr().out
    assert '0 files written' in out and 'idx files exist, skipping' in out
    assert {p: p.stat().st_mtime_ns for p in (prepared / 'sr_demo').rglob('*.png')} == before


def test_errors_name_the_folder_or_file(tmp_path, capsys):
    shared = tmp_path / 'shared'
    (shared / 'sr' / 'train_hr').mkdir(parents=True)
    (shared / 'sr' / 'bench14_hr').mkdir()
    argv = ['sr', '--out', str(tmp_path / 'out'), '--shared', str(shared), '--nproc', '1']
    assert prepare(*argv) == 1
    assert f'{shared}/sr/train_hr holds no images' in capsys.readouterr().err

    (shared / 'sr' / 'train_hr' / 'broken.png').write_bytes(b'not a png')
    Image.fromarray(np.zeros((24, 24, 3), np.uint8)).save(shared / 'sr' / 'bench14_hr' / 'a.png')
    assert prepare(*argv) == 1
    assert 'broken.png' in capsys.readouterr().err

    assert prepare('cls', '--out', str(tmp_path / 'out'), '--shared', str(shared),
                    '--source', 'shared') == 1
    assert 'fashion_mnist' in capsys.readouterr().err
