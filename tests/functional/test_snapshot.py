"""createImage end to end on the fake driver: upload an image, boot from
it, snapshot the server, boot a second server from the snapshot.

The fake driver's disk is a small real qcow2 (qemu-img) or a placeholder;
it is uploaded into the built-in store like any image.
"""
import shutil
import subprocess
import time
import uuid

import pytest

from tests.functional import conftest
from tests.functional import image_helpers

ERROR_NAME = 'snap-fails-to-build'
SNAP_FAILS = 'snap-fails'


@pytest.fixture(scope='module')
def nova_stack(tmp_path_factory):
    stack = conftest.Stack(
        tmp_path_factory.mktemp('nova'),
        **{'fake_driver.fail_spawn_names': [ERROR_NAME],
           'fake_driver.fail_actions': ['%s:snapshot' % SNAP_FAILS]})
    yield stack
    stack.stop()


@pytest.fixture(scope='module')
def qcow2(tmp_path_factory):
    if shutil.which('qemu-img') is None:
        return image_helpers.QCOW2_MAGIC + b'\0' * 1020
    path = tmp_path_factory.mktemp('img') / 'base.qcow2'
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(path),
                    '64M'], check=True)
    return path.read_bytes()


@pytest.fixture
def alice(nova_api):
    return nova_api.as_user('alice', 'snap-a-%s' % uuid.uuid4().hex[:6])


@pytest.fixture
def bob(nova_api):
    return nova_api.as_user('bob', 'snap-b-%s' % uuid.uuid4().hex[:6])


@pytest.fixture(scope='module')
def flavor(nova_stack):
    return conftest.ApiClient(nova_stack.app).create_flavor(
        ram=256, disk=2)


def _boot(client, flavor, image_id, name='vm'):
    server = client.create_server(flavor['id'], name=name, image=image_id)
    return client.wait_for_status(server['id'], 'ACTIVE')


def _create_image(client, server_id, name='snap', metadata=None,
                  microversion='2.45'):
    body = {'createImage': {'name': name}}
    if metadata is not None:
        body['createImage']['metadata'] = metadata
    return client.post('/servers/%s/action' % server_id, body,
                       microversion=microversion)


def _wait_image(client, image_id, status='ACTIVE', timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = client.get('/v2.1/images/%s' % image_id)
        if status == 'GONE' and resp.status_int == 404:
            return None
        if resp.status_int == 200 and resp.json['image']['status'] == status:
            return resp.json['image']
        time.sleep(0.05)
    raise AssertionError('image %s is not %s: %s' % (image_id, status,
                                                      resp.text))


def _wait_idle(client, server_id, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = client.get('/servers/%s' % server_id).json['server']
        if server['OS-EXT-STS:task_state'] is None:
            return server
        time.sleep(0.05)
    raise AssertionError('server %s stays in %s' % (
        server_id, server['OS-EXT-STS:task_state']))


def test_boot_snapshot_boot_from_snapshot(alice, bob, flavor, qcow2):
    base = image_helpers.create_image(alice, 'base', qcow2, min_ram=128,
                                      os_distro='cirros', cache_in_nova='1')
    first = _boot(alice, flavor, base['id'], 'first')
    resp = _create_image(alice, first['id'], 'first-snap',
                         {'purpose': 'test'})
    assert resp.status_int == 202, resp.text
    snap_id = resp.json['image_id']
    assert 'Location' not in resp.headers
    snap = _wait_image(alice, snap_id)
    assert snap['name'] == 'first-snap' and snap['progress'] == 100
    assert snap['server']['id'] == first['id']
    assert snap['minDisk'] == flavor['disk'] and snap['minRam'] == 128
    meta = snap['metadata']
    assert meta['instance_uuid'] == first['id']
    assert meta['image_type'] == 'snapshot'
    assert meta['base_image_ref'] == base['id']
    assert meta['user_id'] == 'alice'
    assert meta['os_distro'] == 'cirros'     # inherited
    assert meta['purpose'] == 'test'         # from the request
    assert 'cache_in_nova' not in meta       # not inheritable
    v2 = alice.get('/image/v2/images/%s' % snap_id).json
    assert v2['visibility'] == 'private'
    assert v2['owner'] == alice.token.split(':')[1]
    assert v2['status'] == 'active' and v2['size'] > 0
    data = image_helpers.download(alice, snap_id)
    assert v2['checksum'] == image_helpers.md5(data)
    if shutil.which('qemu-img'):
        assert v2['disk_format'] == 'qcow2'
        assert data.startswith(image_helpers.QCOW2_MAGIC)
    server = _wait_idle(alice, first['id'])
    assert server['status'] == 'ACTIVE'
    second = _boot(alice, flavor, snap_id, 'second')
    assert second['image']['id'] == snap_id
    # Another project sees nothing of alice's private snapshot.
    assert bob.get('/v2.1/images/%s' % snap_id).status_int == 404
    assert bob.get('/image/v2/images/%s' % snap_id).status_int == 404
    refused = bob.post('/servers', {'server': {
        'name': 'thief', 'flavorRef': flavor['id'], 'imageRef': snap_id}})
    assert refused.status_int == 400
    assert refused.json['badRequest']['message'] == \
        'Can not find requested image'


def test_location_header_before_2_45(alice, flavor):
    server = _boot(alice, flavor, conftest.IMAGE_ID, 'old-client')
    resp = _create_image(alice, server['id'], microversion='2.44')
    assert resp.status_int == 202 and not resp.body
    location = resp.headers['Location']
    image_id = location.rsplit('/', 1)[1]
    assert location.endswith('/image/images/%s' % image_id)
    _wait_image(alice, image_id)
    _wait_idle(alice, server['id'])


def test_stopped_server_snapshots_and_stays_stopped(alice, flavor):
    server = _boot(alice, flavor, conftest.IMAGE_ID, 'stopped')
    assert alice.post('/servers/%s/action' % server['id'],
                      {'os-stop': None}).status_int == 202
    alice.wait_for_status(server['id'], 'SHUTOFF')
    resp = _create_image(alice, server['id'])
    assert resp.status_int == 202, resp.text
    _wait_image(alice, resp.json['image_id'])
    assert _wait_idle(alice, server['id'])['status'] == 'SHUTOFF'


def test_refused_states_leave_no_image(alice, flavor):
    server = alice.create_server(flavor['id'], name=ERROR_NAME,
                                 image=conftest.IMAGE_ID)
    alice.wait_for_status(server['id'], 'ERROR')
    resp = _create_image(alice, server['id'], 'never')
    assert resp.status_int == 409
    assert "Cannot 'createImage' instance %s while it is in vm_state error" \
        % server['id'] == resp.json['conflictingRequest']['message']
    listed = alice.get('/v2.1/images?server=%s' % server['id']).json
    assert listed['images'] == []


def test_bad_requests(alice, flavor):
    server = _boot(alice, flavor, conftest.IMAGE_ID, 'bad-requests')
    path = '/servers/%s/action' % server['id']
    for body in ({'createImage': {}},
                 {'createImage': {'name': ' padded '}},
                 {'createImage': {'name': 'x', 'metadata': {'k': 1}}},
                 {'createImage': {'name': 'x', 'extra': 1}}):
        resp = alice.post(path, body)
        assert resp.status_int == 400, (body, resp.text)
    too_many = {'k%d' % n: 'v' for n in range(129)}
    resp = _create_image(alice, server['id'], 'x', too_many)
    assert resp.status_int == 403
    missing = _create_image(alice, str(uuid.uuid4()))
    assert missing.status_int == 404
    reader = alice.as_user('reader', alice.token.split(':')[1])
    reader_resp = reader.request(
        'POST', path, body={'createImage': {'name': 'r'}},
        headers={'X-Roles': 'reader'})
    assert reader_resp.status_int == 403
    assert alice.get('/v2.1/images?server=%s' % server['id']).json[
        'images'] == []


def test_failed_snapshot_deletes_image_and_restores_state(alice, flavor):
    server = _boot(alice, flavor, conftest.IMAGE_ID, SNAP_FAILS)
    resp = _create_image(alice, server['id'], 'doomed')
    assert resp.status_int == 202
    _wait_image(alice, resp.json['image_id'], 'GONE')
    idle = _wait_idle(alice, server['id'])
    assert idle['status'] == 'ACTIVE'


def test_delete_during_snapshot(alice, flavor, nova_stack):
    server = _boot(alice, flavor, conftest.IMAGE_ID, 'deleted-meanwhile')
    nova_stack.conf.set_override('action_seconds', 1.0, 'fake_driver')
    try:
        resp = _create_image(alice, server['id'], 'orphan')
        assert resp.status_int == 202
        assert alice.delete('/servers/%s' % server['id']).status_int == 204
        alice.wait_for_gone(server['id'], timeout=20)
        _wait_image(alice, resp.json['image_id'], 'GONE')
    finally:
        nova_stack.conf.clear_override('action_seconds', 'fake_driver')
