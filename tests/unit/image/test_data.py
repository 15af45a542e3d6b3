"""Digests and verified atomic writes of image data."""
import hashlib
import os

import pytest

from nova import exception
from nova.image import data


@pytest.mark.parametrize('background', [False, True])
def test_digest_matches_hashlib(background):
    chunks = [os.urandom(100000) for _ in range(7)]
    digest = data.Digest('sha256', background=background)
    for chunk in chunks:
        digest.update(chunk)
    whole = b''.join(chunks)
    assert digest.size == len(whole)
    assert digest.checksum == hashlib.md5(whole).hexdigest()
    assert digest.hash_value == hashlib.sha256(whole).hexdigest()


def _image(payload, **over):
    image = {'id': 'i', 'size': len(payload),
             'checksum': hashlib.md5(payload).hexdigest(),
             'os_hash_algo': 'sha512',
             'os_hash_value': hashlib.sha512(payload).hexdigest()}
    image.update(over)
    return image


def test_write_verified_writes_atomically(tmp_path):
    dest = tmp_path / 'sub' / 'image'
    data.write_verified(iter([b'ab', b'cd']), str(dest), _image(b'abcd'))
    assert dest.read_bytes() == b'abcd'
    assert os.listdir(dest.parent) == ['image']


@pytest.mark.parametrize('over', [
    {'size': 5}, {'checksum': '0' * 32}, {'os_hash_value': 'f' * 128}])
def test_write_verified_leaves_nothing_on_mismatch(tmp_path, over):
    dest = tmp_path / 'image'
    with pytest.raises(exception.ImageDataMismatch):
        data.write_verified(iter([b'abcd']), str(dest),
                            _image(b'abcd', **over))
    assert os.listdir(tmp_path) == []


def test_write_verified_leaves_nothing_when_the_source_fails(tmp_path):
    def chunks():
        yield b'ab'
        raise ConnectionResetError('gone')
    with pytest.raises(ConnectionResetError):
        data.write_verified(chunks(), str(tmp_path / 'x'), _image(b'abcd'))
    assert os.listdir(tmp_path) == []


def test_iter_file_ranges(tmp_path):
    path = tmp_path / 'f'
    path.write_bytes(b'0123456789')
    assert b''.join(data.iter_file(str(path), chunk_size=3)) == b'0123456789'
    assert b''.join(data.iter_file(str(path), 2, offset=2, length=5)) == \
        b'23456'


def _qcow2_header(disk_bytes):
    return (data.QCOW2_MAGIC + (3).to_bytes(4, 'big') + b'\0' * 16 +
            disk_bytes.to_bytes(8, 'big') + b'\0' * 100)


def test_virtual_size_from_headers():
    head = _qcow2_header(1 << 30)
    assert data.virtual_size('qcow2', head, 196608) == 1 << 30
    assert data.virtual_size('qcow2', b'not qcow2' * 10, 90) is None
    assert data.virtual_size('raw', b'', 123) == 123
    assert data.virtual_size('vmdk', head, 5) is None


def test_digest_keeps_the_first_bytes():
    digest = data.Digest()
    for chunk in (b'ab', b'c' * 1000):
        digest.update(chunk)
    assert digest.head == (b'ab' + b'c' * 1000)[:512]
