"""The libvirt driver through the compute API, on libvirt's test driver.

The whole in-process stack with ``compute_driver = libvirt`` and
``connection_uri = test:///<node.xml>``: libvirt-python's in-process
hypervisor keeps real domain definitions and states (no QEMU), the driver
makes real qcow2 files with qemu-img. Seconds, not minutes: the state
table, the manager's workflows and the driver meet here on every run, also
where QEMU cannot boot a guest. Needs libvirt-python and qemu-img only.
"""
import os
import pathlib
import shutil
import subprocess
import time

import pytest

from tests.functional import conftest as fconf
from tests.functional import image_helpers

libvirt = pytest.importorskip('libvirt')
if shutil.which('qemu-img') is None:
    pytest.skip('qemu-img is not installed', allow_module_level=True)

HOST = 'libvirt-test-host'
NODE_XML = """<node>
  <cpu><mhz>2000</mhz><model>x86_64</model><active>8</active><nodes>1</nodes>
       <sockets>1</sockets><cores>8</cores><threads>1</threads></cpu>
  <memory>8388608</memory>
</node>
"""


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    state = tmp_path_factory.mktemp('libvirt-test-driver')
    node = state / 'node.xml'
    node.write_text(NODE_XML)
    stack = fconf.Stack(
        state, computes=(HOST,), compute_driver='libvirt',
        allow_resize_to_same_host=True, shutdown_timeout=0,
        **{'libvirt.connection_uri': 'test://%s' % node,
           'instances_path': str(state / 'instances')})
    yield stack
    stack.stop()


@pytest.fixture(scope='module')
def api(stack):
    return fconf.ApiClient(stack.app)


@pytest.fixture(scope='module')
def image_id(api, tmp_path_factory):
    disk = tmp_path_factory.mktemp('img') / 'disk.qcow2'
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(disk),
                    '64M'], check=True)
    return image_helpers.create_image(
        api, name='lt-image', data=disk.read_bytes(),
        visibility='public')['id']


def _driver(stack):
    return [s for s in stack.services.services
            if s.binary == 'nova-compute'][0].manager.driver


def _act(api, sid, body, status=202):
    resp = api.post('/servers/%s/action' % sid, body)
    assert resp.status_int == status, resp.text


def _settled(api, sid, status):
    server = api.wait_for_status(sid, status, timeout=30)
    deadline = time.monotonic() + 30
    while server['OS-EXT-STS:task_state'] is not None:
        assert time.monotonic() < deadline, server
        time.sleep(0.05)
        server = api.get('/servers/%s' % sid).json['server']
    return server


def test_actions_follow_the_state_table_on_libvirt(stack, api, image_id):
    small = api.create_flavor('lt-small', ram=128, disk=1)['id']
    big = api.create_flavor('lt-big', ram=256, disk=2)['id']
    sid = api.create_server(small, name='lt', image=image_id)['id']
    assert _settled(api, sid, 'ACTIVE')['OS-EXT-STS:power_state'] == 1
    driver = _driver(stack)
    files = driver.files(sid)
    assert os.path.exists(files.root)
    steps = [({'os-stop': None}, 'SHUTOFF'), ({'os-start': None}, 'ACTIVE'),
             ({'pause': None}, 'PAUSED'), ({'unpause': None}, 'ACTIVE'),
             ({'suspend': None}, 'SUSPENDED'), ({'resume': None}, 'ACTIVE'),
             ({'reboot': {'type': 'HARD'}}, 'ACTIVE')]
    for body, status in steps:
        _act(api, sid, body)
        _settled(api, sid, status)
    # A wrong state is a 409, never a half-done action.
    _act(api, sid, {'unpause': None}, status=409)

    _act(api, sid, {'resize': {'flavorRef': big}})
    _settled(api, sid, 'VERIFY_RESIZE')
    assert driver.host.lookup(sid).info()[2] == 256 * 1024
    assert pathlib.Path(files.resize_dir).exists()
    _act(api, sid, {'revertResize': None})
    _settled(api, sid, 'ACTIVE')
    assert driver.host.lookup(sid).info()[2] == 128 * 1024
    assert not pathlib.Path(files.resize_dir).exists()

    _act(api, sid, {'resize': {'flavorRef': big}})
    _settled(api, sid, 'VERIFY_RESIZE')
    _act(api, sid, {'confirmResize': None}, status=204)
    _settled(api, sid, 'ACTIVE')
    assert driver.host.lookup(sid).info()[2] == 256 * 1024

    assert api.delete('/servers/%s' % sid).status_int == 204
    api.wait_for_gone(sid, timeout=30)
    assert not os.path.exists(files.dir)
    assert sid not in driver.list_instance_uuids()


def test_snapshot_becomes_an_active_qcow2_image(stack, api, image_id):
    flavor = api.create_flavor('lt-snap', ram=128, disk=1)['id']
    sid = api.create_server(flavor, name='lt-snap', image=image_id)['id']
    _settled(api, sid, 'ACTIVE')
    resp = api.post('/servers/%s/action' % sid,
                    {'createImage': {'name': 'lt-snapshot'}})
    assert resp.status_int == 202, resp.text
    snap_id = resp.headers['Location'].rsplit('/', 1)[-1]
    deadline = time.monotonic() + 30
    while api.get('/image/v2/images/%s' % snap_id).json['status'] != \
            'active':
        assert time.monotonic() < deadline
        time.sleep(0.1)
    image = api.get('/image/v2/images/%s' % snap_id).json
    assert image['disk_format'] == 'qcow2'
    assert _settled(api, sid, 'ACTIVE')['OS-EXT-STS:power_state'] == 1
    api.delete('/servers/%s' % sid)
    api.wait_for_gone(sid, timeout=30)


def test_a_guest_stopped_behind_novas_back_shows_shutoff(stack, api,
                                                         image_id):
    flavor = api.create_flavor('lt-sync', ram=128, disk=1)['id']
    sid = api.create_server(flavor, name='lt-sync', image=image_id)['id']
    _settled(api, sid, 'ACTIVE')
    _driver(stack).host.lookup(sid).destroy()   # the lifecycle event path
    server = _settled(api, sid, 'SHUTOFF')
    assert server['OS-EXT-STS:power_state'] == 4
    api.delete('/servers/%s' % sid)
    api.wait_for_gone(sid, timeout=30)
