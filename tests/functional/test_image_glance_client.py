"""nova's Image API v2 client back end (``[image] backend = glance``)
against nova's own Image API served over HTTP by nova-image-api's app.

The same client talks to a real Glance in
tests/integration/test_glance_backend.py; here the server is ours, so
these run everywhere, fast.
"""
import concurrent.futures
import hashlib
import os
import socket
import time
import uuid

import pytest

from nova.api.image import router as image_router
from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception
from nova.image import api as image_api
from nova.image import glance
from nova import wsgi_server
from tests.functional.test_image_api import ImageStack


@pytest.fixture(scope='module')
def served(tmp_path_factory):
    """(store stack, base URL) of nova-image-api's app on a free port."""
    stack = ImageStack(tmp_path_factory.mktemp('served'))
    server = wsgi_server.Server(image_router.loadapp(stack.conf),
                                '127.0.0.1', 0, threads=4,
                                name='nova-image-api')
    server.start()
    yield stack, 'http://127.0.0.1:%d' % server.port
    server.stop()
    stack.stop()


def _client_conf(tmp_path, url, extra=''):
    path = tmp_path / 'client.conf'
    path.write_text('[image]\nbackend = glance\n[glance]\n'
                    'endpoint_override = %s\n%s' % (url, extra))
    return nova_conf.build_conf(default_config_files=[str(path)],
                                register_logging=False)


def _user(project, user='u'):
    return nova_context.RequestContext(
        user_id=user, project_id=project, roles=['member', 'reader'],
        auth_token='%s:%s' % (user, project))


@pytest.fixture
def client(served, tmp_path):
    return image_api.API(_client_conf(tmp_path, served[1]))


@pytest.fixture
def ctx():
    return _user('p-client-%s' % uuid.uuid4().hex[:6])


def _chunks(data, size=65536):
    return (data[i:i + size] for i in range(0, len(data), size))


def test_the_facade_over_http(client, ctx, tmp_path):
    assert isinstance(client.backend, glance.GlanceBackend)
    data = os.urandom(300000)
    image = client.create(ctx, {'name': 'over-http', 'disk_format': 'raw',
                                'container_format': 'bare', 'tags': ['t'],
                                'properties': {'os_distro': 'cirros'}})
    assert image['status'] == 'queued' and image['owner'] == ctx.project_id
    assert image['properties'] == {'os_distro': 'cirros'}
    active = client.upload(ctx, image['id'], _chunks(data), size=len(data))
    assert active['status'] == 'active' and active['size'] == len(data)
    assert active['checksum'] == hashlib.md5(data).hexdigest()
    assert b''.join(client.download(ctx, image['id'])) == data
    part = client.download(ctx, image['id'], byte_range=(1000, 500))
    assert b''.join(part) == data[1000:1500]
    dest = tmp_path / 'copy'
    assert client.download(ctx, image['id'], dest_path=str(dest)) == \
        str(dest)
    assert dest.read_bytes() == data
    updated = client.update(ctx, image['id'],
                            {'name': 'renamed', 'min_ram': 32,
                             'properties': {'hw_disk_bus': 'scsi'}},
                            remove_props=['os_distro'])
    assert updated['name'] == 'renamed' and updated['min_ram'] == 32
    assert updated['properties'] == {'hw_disk_bus': 'scsi'}
    client.delete(ctx, image['id'])
    with pytest.raises(exception.ImageNotFound):
        client.get(ctx, image['id'])


def test_listing_follows_next_links(client, ctx):
    made = [client.create(ctx, {'name': 'page-%d' % i, 'tags': ['pg']})
            for i in range(5)]
    filters = {'owner': ctx.project_id, 'tag': ['pg']}
    listed = client.get_all(ctx, filters=filters, sort_key='name',
                            sort_dir='asc')
    assert [i['name'] for i in listed] == ['page-%d' % i for i in range(5)]
    page = client.get_all(ctx, filters=filters, sort_key='name',
                          sort_dir='asc', limit=2, marker=made[1]['id'])
    assert [i['name'] for i in page] == ['page-2', 'page-3']


def test_errors_arrive_as_the_facade_exceptions(client, ctx):
    with pytest.raises(exception.ImageNotFound):
        client.get(ctx, str(uuid.uuid4()))
    with pytest.raises(exception.ImageInvalid):
        client.create(ctx, {'disk_format': 'floppy'})
    image = client.create(ctx, {'name': 'errors'})
    with pytest.raises(exception.Forbidden):
        client.update(ctx, image['id'], {'properties': {'status': 'x'}})
    with pytest.raises(exception.ImageUploadIncomplete):
        client.upload(ctx, image['id'], _chunks(b'short'), size=100)
    assert client.get(ctx, image['id'])['status'] != 'active'
    # The server notices the cut-off body in its own thread and time:
    # until then the image is "saving" and another upload a 409.
    _eventually(lambda: _uploaded(client, ctx, image['id'], b'full'))
    with pytest.raises(exception.ImageNotQueued):
        client.upload(ctx, image['id'], _chunks(b'again'))
    private = _private(client, ctx)
    with pytest.raises(exception.ImageNotFound):
        client.get(_user('p-other'), private['id'])


def _uploaded(client, ctx, image_id, data):
    try:
        return client.upload(ctx, image_id, _chunks(data))
    except exception.ImageNotQueued:
        return None


def _private(client, ctx):
    return client.create(ctx, {'name': 'private', 'visibility': 'private'})


def test_members_through_the_client(client, ctx):
    image = client.create(ctx, {'name': 'shared', 'visibility': 'shared'})
    other = _user('p-member-%s' % uuid.uuid4().hex[:6])
    member = client.add_member(ctx, image['id'], other.project_id)
    assert member['status'] == 'pending'
    assert client.update_member(other, image['id'], other.project_id,
                                'accepted')['status'] == 'accepted'
    assert [m['member_id'] for m in client.list_members(ctx, image['id'])] \
        == [other.project_id]
    assert client.get(other, image['id'])['name'] == 'shared'
    client.delete_member(ctx, image['id'], other.project_id)
    with pytest.raises(exception.ImageMemberNotFound):
        client.get_member(ctx, image['id'], other.project_id)


def test_service_calls_without_a_user_token(served, tmp_path, ctx):
    """Periodic tasks have no user token: the [glance] auth plugin is
    used (admin_token against a noauth2 API)."""
    service = image_api.API(_client_conf(
        tmp_path, served[1], 'auth_type = admin_token\n'
        'endpoint = %s\ntoken = admin:admin\n' % served[1]))
    user_client = image_api.API(_client_conf(tmp_path, served[1]))
    image = _private(user_client, ctx)
    admin = nova_context.get_admin_context()
    assert service.get(admin, image['id'])['visibility'] == 'private'


def test_an_unreachable_service_is_503(tmp_path, ctx):
    client = image_api.API(_client_conf(tmp_path, 'http://127.0.0.1:9',
                                        'num_retries = 0\n'))
    with pytest.raises(exception.ImageServiceUnavailable):
        client.get(ctx, str(uuid.uuid4()))


def test_a_client_that_disconnects_mid_upload_over_http(served, client,
                                                        ctx):
    """A real socket that stops sending half way through the body (its
    write side shut): the server sees the body end early, answers 400 if
    anyone still listens, and the image is queued again with no data."""
    stack, url = served
    image = client.create(ctx, {'name': 'cut-off'})
    port = int(url.rsplit(':', 1)[1])
    with socket.create_connection(('127.0.0.1', port)) as sock:
        sock.sendall((
            'PUT /v2/images/%s/file HTTP/1.1\r\nHost: x\r\n'
            'X-Auth-Token: %s\r\nContent-Type: application/octet-stream\r\n'
            'Content-Length: %d\r\n\r\n' % (image['id'], ctx.auth_token,
                                            8 * 1024 * 1024)).encode())
        sock.sendall(b'y' * (1024 * 1024))
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(30)
        assert sock.recv(100).startswith(b'HTTP/1.1 400')
    assert client.get(ctx, image['id'])['status'] == 'queued'
    images_dir = stack.conf.image.images_path
    assert [n for n in os.listdir(images_dir) +
            os.listdir(os.path.join(images_dir, '.incoming'))
            if n.startswith(image['id'])] == []


def _eventually(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, 'condition never met'
        time.sleep(0.01)


def test_deactivate_through_the_client(client, ctx):
    admin = _user('p-admin', user='admin')
    image = client.create(ctx, {'name': 'to-deactivate'})
    client.upload(ctx, image['id'], _chunks(b'abc'))
    assert client.deactivate(admin, image['id'])['status'] == 'deactivated'
    with pytest.raises(exception.Forbidden):
        list(client.download(ctx, image['id']))
    assert client.reactivate(admin, image['id'])['status'] == 'active'
    assert b''.join(client.download(ctx, image['id'])) == b'abc'


def test_concurrent_uploads_to_one_image(client, ctx):
    """Two uploads race for one queued image: exactly one wins; the other
    is told the image is not queued, and the data is the winner's."""
    image = client.create(ctx, {'name': 'raced'})

    def upload(fill):
        try:
            client.upload(ctx, image['id'], _chunks(fill * 500000))
            return fill
        except exception.ImageNotQueued:
            return None
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(upload, [b'a', b'b']))
    winners = [r for r in results if r]
    assert len(winners) == 1
    assert b''.join(client.download(ctx, image['id'])) == winners[0] * 500000
