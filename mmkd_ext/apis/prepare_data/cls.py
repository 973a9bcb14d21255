"""``data/fashion_mnist/raw``: the Fashion-MNIST idx files, checked against their md5."""
import argparse
import gzip
import os
import os.path as osp
import tempfile

from .sources import PrepareError, _extract_deb, _fetch_debs, _md5, _write_bytes, pick_source

# Fashion-MNIST (Debian dataset-fashion-mnist): md5 of the uncompressed idx files.
FASHION_DEB_DIR = 'usr/share/datasets/fashion-mnist'
FASHION_MNIST_MD5 = {
    'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
    'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
    't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
    't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
}



def prepare_cls(args: argparse.Namespace) -> None:
    out = osp.join(args.out, 'fashion_mnist', 'raw')
    print(f'== cls: {out}')
    todo = [n for n in FASHION_MNIST_MD5 if not osp.exists(osp.join(out, n))]
    if not todo:
        print('Fashion-MNIST idx files exist, skipping')
        return
    shared = osp.join(args.shared, 'fashion_mnist')
    source = pick_source(args, shared)
    if source == 'shared' and not osp.isdir(shared):
        raise PrepareError(f'source folder {shared} not found')
    with tempfile.TemporaryDirectory(prefix='mmkd_cls_') as work:
        if source == 'packages':
            deb = _fetch_debs(['dataset-fashion-mnist'], work, args.debs)
            wanted = [f'{FASHION_DEB_DIR}/{n}.gz' for n in todo]
            _extract_deb(deb['dataset-fashion-mnist'], wanted, work)
            shared = osp.join(work, FASHION_DEB_DIR)
        os.makedirs(out, exist_ok=True)
        for name in todo:
            src = osp.join(shared, name + '.gz')
            if not osp.exists(src):
                raise PrepareError(f'{src} not found (source folder {shared})')
            try:
                with gzip.open(src, 'rb') as f:
                    data = f.read()
            except (OSError, EOFError) as e:
                raise PrepareError(f'cannot read {src}: {e}') from e
            if _md5(data) != FASHION_MNIST_MD5[name]:
                raise PrepareError(f'{src}: content differs from Fashion-MNIST (md5)')
            _write_bytes(osp.join(out, name), data)
            print(f'{name}: {len(data)} bytes')

