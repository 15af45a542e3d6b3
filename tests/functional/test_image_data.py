"""Image data through /v2/images/{id}/file: upload, download, and every
way an upload can go wrong leaving the image queued with no data."""
import hashlib
import io
import os

import pytest

from nova import context as nova_context
from nova.image.store import backend as store_backend
from nova.image.store import records
from tests.functional.test_image_api import assert_error
from tests.functional.test_image_api import ImageClient
from tests.functional.test_image_api import image_stack  # noqa: F401


@pytest.fixture
def images(image_stack):
    return ImageClient(image_stack.app)


@pytest.fixture
def store_dir(image_stack):
    return image_stack.conf.image.images_path


def _leftovers(store_dir, image_id):
    """Files of image_id in the store: its data file and partial uploads."""
    names = os.listdir(store_dir) + os.listdir(
        os.path.join(store_dir, '.incoming'))
    return [n for n in names if n.startswith(image_id)]


def test_upload_and_download(images, store_dir):
    data = os.urandom(3 * 1024 * 1024 + 17)
    image = images.create(name='data')
    assert images.upload(image['id'], data).status_int == 204
    shown = images.show(image['id'])
    assert shown['status'] == 'active' and shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_algo'] == 'sha512'
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    resp = images.call('GET', '/v2/images/%s/file' % image['id'])
    assert resp.status_int == 200 and resp.body == data
    assert resp.headers['Content-MD5'] == shown['checksum']
    assert resp.content_type == 'application/octet-stream'
    assert int(resp.headers['Content-Length']) == len(data)
    assert _leftovers(store_dir, image['id']) == [image['id']]


@pytest.mark.parametrize('header, status, body, content_range', [
    ('bytes=2-5', 206, b'2345', 'bytes 2-5/10'),
    ('bytes=7-', 206, b'789', 'bytes 7-9/10'),
    ('bytes=-3', 206, b'789', 'bytes 7-9/10'),
    ('bytes=8-100', 206, b'89', 'bytes 8-9/10'),
    ('bytes=10-', 416, None, 'bytes */10'),
    ('bytes=1-2,4-5', 200, b'0123456789', None),
])
def test_ranged_downloads(images, header, status, body, content_range):
    image = images.create_active(b'0123456789')
    resp = images.call('GET', '/v2/images/%s/file' % image['id'],
                       headers={'Range': header})
    assert resp.status_int == status, resp.text
    if body is not None:
        assert resp.body == body
        assert int(resp.headers['Content-Length']) == len(body)
    assert resp.headers.get('Content-Range') == content_range


def test_virtual_size_of_qcow2_and_raw(images):
    header = (b'QFI\xfb' + (3).to_bytes(4, 'big') + b'\0' * 16 +
              (2 << 30).to_bytes(8, 'big'))
    qcow2 = images.create_active(header + b'\0' * 4096, disk_format='qcow2')
    assert qcow2['virtual_size'] == 2 << 30
    raw = images.create_active(b'r' * 777, disk_format='raw')
    assert raw['virtual_size'] == 777
    other = images.create_active(b'v' * 10, disk_format='vmdk')
    assert other['virtual_size'] is None


def test_chunked_upload_without_a_length(images):
    image = images.create(name='chunked')
    resp = images.call('PUT', '/v2/images/%s/file' % image['id'],
                       body_file=io.BytesIO(b'abc' * 1000),
                       headers={'Transfer-Encoding': 'chunked'})
    assert resp.status_int == 204, resp.text
    assert images.show(image['id'])['size'] == 3000


def test_upload_needs_a_length_and_octet_stream(images):
    image = images.create(name='typed')
    path = '/v2/images/%s/file' % image['id']
    assert_error(images.call('PUT', path, body=b'x',
                             content_type='text/plain'), 415)
    assert_error(images.call('PUT', path, body_file=io.BytesIO(b'x'),
                             headers={'Content-Length': ''}), 411)
    assert images.show(image['id'])['status'] == 'queued'


def test_download_of_an_image_without_data_is_204(images):
    image = images.create(name='empty')
    resp = images.call('GET', '/v2/images/%s/file' % image['id'])
    assert resp.status_int == 204 and resp.body == b''


def test_upload_to_an_active_image_is_409(images, store_dir):
    image = images.create_active(b'first')
    assert_error(images.upload(image['id'], b'second'), 409)
    resp = images.call('GET', '/v2/images/%s/file' % image['id'])
    assert resp.body == b'first'
    assert _leftovers(store_dir, image['id']) == [image['id']]


def test_an_image_over_the_size_limit_is_413(image_stack, images,
                                             store_dir):
    image = images.create(name='big')
    image_stack.conf.set_override('max_image_size', 1000, group='image')
    try:
        assert_error(images.upload(image['id'], b'x' * 1001), 413)
    finally:
        image_stack.conf.clear_override('max_image_size', group='image')
    assert images.show(image['id'])['status'] == 'queued'
    assert _leftovers(store_dir, image['id']) == []


def test_checksum_mismatch_is_400_and_leaves_it_queued(images, store_dir):
    image = images.create(name='md5')
    resp = images.upload(image['id'], b'payload',
                         headers={'Content-MD5': '0' * 32})
    assert 'checksum' in assert_error(resp, 400)
    assert images.show(image['id'])['status'] == 'queued'
    assert _leftovers(store_dir, image['id']) == []
    good = hashlib.md5(b'payload').hexdigest()
    resp = images.upload(image['id'], b'payload',
                         headers={'Content-MD5': good})
    assert resp.status_int == 204


class _DisconnectingInput(io.RawIOBase):
    """A request body whose client goes away after ``after`` bytes."""

    def __init__(self, after, error=None):
        self.left = after
        self.error = error

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.left <= 0:
            if self.error:
                raise self.error
            return 0
        n = min(len(buffer), self.left)
        buffer[:n] = b'z' * n
        self.left -= n
        return n


@pytest.mark.parametrize('error', [None, ConnectionResetError('reset')])
def test_client_gone_mid_upload_leaves_it_queued(images, store_dir, error):
    image = images.create(name='cut')
    resp = images.call('PUT', '/v2/images/%s/file' % image['id'],
                       body_file=_DisconnectingInput(2 * 1024 * 1024, error),
                       headers={'Content-Length': str(10 * 1024 * 1024)})
    assert_error(resp, 400)
    shown = images.show(image['id'])
    assert shown['status'] == 'queued' and shown['size'] is None
    assert _leftovers(store_dir, image['id']) == []


def test_other_projects_cannot_upload(images):
    image = images.create(name='mine', visibility='private')
    other = images.as_user('bob', 'p-other')
    assert_error(other.upload(image['id'], b'x'), 404)
    public = images.create(name='pub', visibility='public')
    assert_error(other.upload(public['id'], b'x'), 403)
    assert images.show(public['id'])['status'] == 'queued'


def test_restart_recovers_an_upload_its_process_left(image_stack, images,
                                                     store_dir):
    """A process killed mid-upload leaves a saving row and a partial file
    naming its pid; the next store to start puts the image back to queued
    and removes both the partial and any unrecorded data file."""
    image = images.create(name='killed')
    context = nova_context.get_admin_context()
    records.update(context, image['id'], {'status': 'saving'})
    dead_pid = _dead_pid()
    part = os.path.join(store_dir, '.incoming', '%s.%s.%d.abcd1234.part' % (
        image['id'], store_backend.files._HOST, dead_pid))
    with open(part, 'wb') as f:
        f.write(b'half')
    with open(os.path.join(store_dir, image['id']), 'wb') as f:
        f.write(b'renamed but never recorded')
    store_backend.StoreBackend(image_stack.conf).prepare()
    assert images.show(image['id'])['status'] == 'queued'
    assert _leftovers(store_dir, image['id']) == []


def test_a_live_upload_is_not_recovered(image_stack, images, store_dir):
    image = images.create(name='busy')
    context = nova_context.get_admin_context()
    records.update(context, image['id'], {'status': 'saving'})
    part = os.path.join(store_dir, '.incoming', '%s.%s.%d.abcd1234.part' % (
        image['id'], store_backend.files._HOST, os.getpid()))
    open(part, 'wb').close()
    try:
        store_backend.StoreBackend(image_stack.conf).prepare()
        assert images.show(image['id'])['status'] == 'saving'
    finally:
        os.unlink(part)


def _dead_pid():
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_deleting_removes_the_data_file(images, store_dir):
    image = images.create_active(b'gone soon')
    assert os.path.exists(os.path.join(store_dir, image['id']))
    assert images.call('DELETE', '/v2/images/%s' % image['id']).status_int \
        == 204
    assert _leftovers(store_dir, image['id']) == []
    assert_error(images.call('GET', '/v2/images/%s/file' % image['id']), 404)

