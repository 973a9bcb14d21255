"""What the demo data sets are built from: Debian packages, PyPI packages, a shared folder,
and the small file helpers every builder uses."""
import hashlib
import importlib.util
import os
import os.path as osp
import shutil
import struct
import subprocess
import sys
import tarfile
import zlib
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

IMG_SUFFIXES = ('.png', '.webp', '.jpg', '.jpeg', '.bmp')
RCC_DIR = 'usr/share/gcompris-qt/rcc'
PYPI_NAMES = {'skimage': 'scikit-image', 'sklearn': 'scikit-learn'}


class PrepareError(RuntimeError):
    """A problem the user can fix: a missing source, tool or unreadable file."""



def read_rcc(blob: bytes) -> Dict[str, bytes]:
    """Read the files of a Qt binary resource bundle (``rcc --binary``).

    Layout: ``qres``, then big-endian u32 version, tree, data and names offsets. Tree nodes
    are 14 bytes (version 1) or 22 bytes (2, 3: + u64 mtime): u32 name offset, u16 flags,
    then u32 child count + u32 first child index for a directory (flag 2), or u16 country,
    u16 language, u32 data offset for a file. A name is u16 length, u32 hash, UTF-16-BE
    text; data is a u32 size then the bytes, which for flag 1 are a u32 length + zlib.

    Returns:
        dict: ``'dir/sub/file.ext' -> uncompressed bytes``.
    """
    if blob[:4] != b'qres':
        raise PrepareError('not a Qt resource bundle (no "qres" magic)')
    version, tree, data, names = struct.unpack('>4I', blob[4:20])
    if version not in (1, 2, 3):
        raise PrepareError(f'unsupported Qt resource bundle version {version}')
    node_size = 14 if version == 1 else 22

    def name_at(offset: int) -> str:
        length, = struct.unpack('>H', blob[names + offset:names + offset + 2])
        start = names + offset + 6
        return blob[start:start + 2 * length].decode('utf-16-be')

    files = {}
    stack = [(0, '')]  # (node index, path of its parent directory)
    while stack:
        index, parent = stack.pop()
        node = tree + index * node_size
        name_offset, flags = struct.unpack('>IH', blob[node:node + 6])
        path = parent + name_at(name_offset) if index else ''
        if flags & 2:
            count, first = struct.unpack('>II', blob[node + 6:node + 14])
            prefix = path + '/' if path else ''
            stack.extend((child, prefix) for child in range(first, first + count))
            continue
        offset, = struct.unpack('>I', blob[node + 10:node + 14])
        size, = struct.unpack('>I', blob[data + offset:data + offset + 4])
        payload = blob[data + offset + 4:data + offset + 4 + size]
        if flags & 4:
            raise PrepareError(f'{path}: zstd-compressed entries are not supported')
        if flags & 1:
            payload = zlib.decompress(payload[4:])
        files[path] = payload
    return files



# ---------------------------------------------------------------- small file helpers
def pick_source(args, shared: str) -> str:
    """``args.source``, where ``'auto'`` is ``'shared'`` when the folder ``shared`` exists,
    else ``'packages'``."""
    if args.source == 'auto':
        return 'shared' if osp.isdir(shared) else 'packages'
    return args.source


def _images(folder: str) -> List[str]:
    return sorted(f for f in os.listdir(folder) if f.lower().endswith(IMG_SUFFIXES))


def _read_bgr(path: str) -> np.ndarray:
    import cv2
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise PrepareError(f'cannot read image {path} (missing, truncated or not an image)')
    return img


def _write_png(path: str, img: np.ndarray) -> None:
    """Write atomically, so an interrupted run never leaves a half-written image."""
    import cv2
    ok, buf = cv2.imencode('.png', img, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise PrepareError(f'cannot encode {path}')
    _write_bytes(path, buf.tobytes())


def _write_bytes(path: str, data: bytes) -> None:
    tmp = path + '.part'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _check_source_folder(folder: str) -> List[str]:
    if not osp.isdir(folder):
        raise PrepareError(f'source folder {folder} not found')
    names = _images(folder)
    if not names:
        raise PrepareError(f'source folder {folder} holds no images')
    return names


# ---------------------------------------------------------------- package sources
def _fetch_debs(packages: Sequence[str], workdir: str, debs_dir: Optional[str]) -> Dict[str, str]:
    """Path of each package's .deb: found in ``debs_dir`` or fetched with apt-get."""
    if shutil.which('dpkg-deb') is None:
        raise PrepareError(
            'dpkg-deb not found: rebuilding the data from the Debian packages '
            f'{", ".join(packages)} needs a Debian-based system (apt-get, dpkg-deb); '
            'elsewhere copy a prepared data/ folder, or pass --shared DIR')
    found = {}
    if debs_dir:
        for pkg in packages:
            hits = sorted(f for f in os.listdir(debs_dir)
                          if f.startswith(pkg + '_') and f.endswith('.deb'))
            if not hits:
                raise PrepareError(f'no {pkg}_*.deb in {debs_dir}')
            found[pkg] = osp.join(debs_dir, hits[-1])
        return found
    if shutil.which('apt-get') is None:
        raise PrepareError(
            'apt-get not found: download the Debian packages '
            f'{", ".join(packages)} (bookworm, e.g. from https://packages.debian.org) into a '
            'folder and pass it with --debs DIR')
    print(f'apt-get download {" ".join(packages)}')
    proc = subprocess.run(['apt-get', 'download', *packages], cwd=workdir,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise PrepareError(f'`apt-get download {" ".join(packages)}` failed (run '
                           f'`apt-get update` first, or pass --debs DIR):\n{proc.stderr}')
    for pkg in packages:
        hits = [f for f in os.listdir(workdir) if f.startswith(pkg + '_')]
        found[pkg] = osp.join(workdir, hits[0])
    return found


def _extract_deb(deb: str, wanted: Iterable[str], dest: str) -> None:
    """Unpack the files ``wanted`` (paths without the leading ``./``) of a .deb to ``dest``,
    i.e. ``dpkg-deb --fsys-tarfile DEB | tar -x -C DEST WANTED...``."""
    wanted = set(wanted)
    proc = subprocess.Popen(['dpkg-deb', '--fsys-tarfile', deb], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=proc.stdout, mode='r|') as tar:
        for member in tar:
            name = member.name.removeprefix('./')
            if member.isfile() and name in wanted:
                member.name = name
                if hasattr(tarfile, 'data_filter'):  # Python >= 3.11.4
                    tar.extract(member, dest, filter='data')
                else:
                    tar.extract(member, dest)
                wanted.discard(member.name)
    proc.wait()
    if proc.returncode != 0 or wanted:
        raise PrepareError(f'{deb}: could not unpack {sorted(wanted) or "it"}')


def _python_package_dir(module: str, workdir: str) -> str:
    """Folder of an installed package, or of a copy pip-installed into ``workdir``."""
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    target = osp.join(workdir, 'pypi')
    pkg = PYPI_NAMES[module]
    print(f'pip install --no-deps --target {target} {pkg}')
    proc = subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
                           '--only-binary', ':all:', '--target', target, pkg],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not osp.isdir(osp.join(target, module)):
        raise PrepareError(f'{pkg} is not installed and `pip install {pkg}` failed; '
                           f'install it (pip install {pkg}) and re-run:\n{proc.stderr}')
    return osp.join(target, module)

