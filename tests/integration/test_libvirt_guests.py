"""Real QEMU guests through the compute API, on the libvirt driver.

An in-process stack (API, conductor, scheduler, one compute with
``compute_driver = libvirt`` on qemu:///system) boots the offline test
image (tools/build_test_image.py: kernel, initramfs, root disk uploaded as
an AMI-style set) and drives one 128 MiB guest at a time through the
server lifecycle. The guest prints ``NOVA-TEST-IMAGE BOOTED`` on its serial
console at every boot; os-getConsoleOutput is how the tests see it.

Skips loudly where libvirt cannot run (no libvirt-python, no libvirtd on
qemu:///system, no kernel to build the image from): tools/libvirt/setup.sh
makes all three true on Debian.
"""
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from nova import context as nova_context
from nova import embedded
from nova.placement import direct
from tests.functional import conftest as fconf
from tests.functional import image_helpers
from tests.integration.conftest import skip_loudly

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = 'libvirt-host'
URI = 'qemu:///system'
BOOT_TIMEOUT = 90   # a TCG boot is 4-10 s; two cores are shared by many


def _require_libvirt():
    try:
        import libvirt  # noqa: F401
    except ImportError:
        skip_loudly('libvirt-python is not installed '
                    '(tools/libvirt/setup.sh, then pip install .[libvirt])')
    ok, detail = embedded.libvirt_reachable(URI)
    if not ok:
        skip_loudly('libvirtd does not answer on %s: %s' % (URI, detail))


def _build_image(cache_dir):
    result = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'build_test_image.py'),
         '--cache-dir', str(cache_dir)], capture_output=True, text=True,
        timeout=300)
    if result.returncode:
        skip_loudly('could not build the test image: %s' %
                    result.stderr.strip()[-500:])
    return json.loads(pathlib.Path(result.stdout.strip()).read_text())


@pytest.fixture(scope='module')
def manifest(tmp_path_factory):
    _require_libvirt()
    cache = os.environ.get('NOVA_TEST_IMAGE_DIR') or \
        tmp_path_factory.mktemp('test-image')
    return _build_image(cache)


@pytest.fixture(scope='module')
def stack(tmp_path_factory, manifest):
    state = tmp_path_factory.mktemp('libvirt-stack')
    stack = fconf.Stack(
        state, computes=(HOST,), compute_driver='libvirt',
        allow_resize_to_same_host=True, shutdown_timeout=15,
        shutdown_retry_interval=3,
        **{'libvirt.connection_uri': URI,
           'libvirt.kernel_cmdline': manifest['cmdline'],
           'libvirt.soft_reboot_wait': 20,
           'instances_path': str(state / 'instances')})
    yield stack
    stack.stop()
    # A failed test must not leave guests running for the next run.
    _remove_domains(str(state))


@pytest.fixture(scope='module')
def api(stack):
    return fconf.ApiClient(stack.app)


def _upload(api, path, name, disk_format, container_format, **props):
    data = pathlib.Path(path).read_bytes()
    image = image_helpers.create_image(
        api, name=name, data=data, disk_format=disk_format,
        container_format=container_format, visibility='public', **props)
    return image['id']


@pytest.fixture(scope='module')
def image_id(api, manifest):
    kernel = _upload(api, manifest['kernel'], 'test-kernel', 'aki', 'aki')
    ramdisk = _upload(api, manifest['ramdisk'], 'test-ramdisk', 'ari', 'ari')
    return _upload(api, manifest['root_disk'], 'nova-test-image', 'qcow2',
                   'bare', kernel_id=kernel, ramdisk_id=ramdisk)


@pytest.fixture(scope='module')
def flavors(api):
    return (api.create_flavor('lv-tiny', ram=128, vcpus=1, disk=1)['id'],
            api.create_flavor('lv-bigger', ram=160, vcpus=1, disk=2)['id'])


# -- helpers -----------------------------------------------------------------

def _console(api, server_id):
    resp = api.post('/servers/%s/action' % server_id,
                    {'os-getConsoleOutput': {}})
    if resp.status_int != 200:
        return ''
    return resp.json['output']


def _wait_marker(api, server_id, manifest, count, timeout=BOOT_TIMEOUT):
    """The console once the guest has booted count times (marker seen,
    and the boot's last line written)."""
    deadline = time.monotonic() + timeout
    output = ''
    while time.monotonic() < deadline:
        output = _console(api, server_id)
        if output.count(manifest['marker']) >= count and \
                output.count(manifest['ready']) >= count:
            return output
        time.sleep(0.5)
    raise AssertionError('marker seen %d times, not %d, after %ss:\n%s' % (
        output.count(manifest['marker']), count, timeout, output[-2000:]))


def _act(api, server_id, body, status=202):
    resp = api.post('/servers/%s/action' % server_id, body)
    assert resp.status_int == status, resp.text
    return resp


def _settled(api, server_id, status, timeout=BOOT_TIMEOUT):
    server = api.wait_for_status(server_id, status, timeout=timeout)
    deadline = time.monotonic() + timeout
    while server['OS-EXT-STS:task_state'] is not None:
        assert time.monotonic() < deadline, server
        time.sleep(0.2)
        server = api.get('/servers/%s' % server_id).json['server']
    return server


def _driver(stack):
    return [s for s in stack.services.services
            if s.binary == 'nova-compute'][0].manager.driver


def _domain_names():
    import libvirt
    conn = libvirt.open(URI)
    try:
        return {d.name() for d in conn.listAllDomains(0)}
    finally:
        conn.close()


def _remove_domains(state_path):
    """Destroy and undefine the guests whose disks are under state_path
    (this module's stack's, never anyone else's)."""
    import libvirt
    conn = libvirt.open(URI)
    try:
        for domain in conn.listAllDomains(0):
            if state_path not in domain.XMLDesc(0):
                continue
            if domain.isActive():
                domain.destroy()
            domain.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    finally:
        conn.close()


# -- the lifecycle -----------------------------------------------------------

def test_lifecycle_of_a_real_guest(stack, api, image_id, flavors, manifest):
    tiny, bigger = flavors
    server = api.create_server(tiny, name='lv-guest', image=image_id)
    sid = server['id']
    _settled(api, sid, 'ACTIVE')
    output = _wait_marker(api, sid, manifest, 1)
    assert manifest['root_stamp'] in output    # the overlay on the image
    domain = 'instance-' + sid
    assert domain in _domain_names()

    _act(api, sid, {'reboot': {'type': 'SOFT'}})
    _settled(api, sid, 'ACTIVE')
    _wait_marker(api, sid, manifest, 2)

    _act(api, sid, {'os-stop': None})
    assert _settled(api, sid, 'SHUTOFF')['OS-EXT-STS:power_state'] == 4
    _act(api, sid, {'os-start': None})
    _settled(api, sid, 'ACTIVE')
    _wait_marker(api, sid, manifest, 3)

    _act(api, sid, {'suspend': None})
    _settled(api, sid, 'SUSPENDED')
    _act(api, sid, {'resume': None})
    assert _settled(api, sid, 'ACTIVE')['OS-EXT-STS:power_state'] == 1
    _act(api, sid, {'pause': None})
    _settled(api, sid, 'PAUSED')
    _act(api, sid, {'unpause': None})
    _settled(api, sid, 'ACTIVE')

    _snapshot_boots(api, sid, tiny, manifest)

    _act(api, sid, {'resize': {'flavorRef': bigger}})
    _settled(api, sid, 'VERIFY_RESIZE')
    _wait_marker(api, sid, manifest, 4)
    _act(api, sid, {'confirmResize': None}, status=204)
    server = _settled(api, sid, 'ACTIVE')
    assert server['flavor']['id'] == bigger
    instance_dir = pathlib.Path(stack.conf.instances_path, sid)
    assert not pathlib.Path(str(instance_dir) + '_resize').exists()

    _delete_leaves_nothing(stack, api, sid)


def _snapshot_boots(api, sid, flavor, manifest):
    resp = _act(api, sid, {'createImage': {'name': 'lv-snap'}})
    snap_id = resp.headers['Location'].rsplit('/', 1)[-1] \
        if 'Location' in resp.headers else resp.json['image_id']
    deadline = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < deadline:
        image = api.get('/image/v2/images/%s' % snap_id).json
        if image.get('status') == 'active':
            break
        time.sleep(0.5)
    assert image['status'] == 'active', image
    _settled(api, sid, 'ACTIVE')
    copy = api.create_server(flavor, name='lv-from-snap', image=snap_id)
    _settled(api, copy['id'], 'ACTIVE')
    output = _wait_marker(api, copy['id'], manifest, 1)
    assert manifest['root_stamp'] in output
    assert api.delete('/servers/%s' % copy['id']).status_int == 204
    api.wait_for_gone(copy['id'], timeout=60)
    api.delete('/image/v2/images/%s' % snap_id)


def _delete_leaves_nothing(stack, api, sid):
    instance_dir = pathlib.Path(stack.conf.instances_path, sid)
    assert instance_dir.exists()
    assert api.delete('/servers/%s' % sid).status_int == 204
    api.wait_for_gone(sid, timeout=60)
    assert 'instance-' + sid not in _domain_names()
    assert not instance_dir.exists()
    placement = direct.Placement(stack.conf)
    admin = nova_context.get_admin_context()
    deadline = time.monotonic() + 10
    while placement.get_allocations(admin, sid)['allocations']:
        assert time.monotonic() < deadline, 'allocation left behind'
        time.sleep(0.2)


def test_rescue_and_unrescue(stack, api, image_id, flavors, manifest):
    server = api.create_server(flavors[0], name='lv-rescue', image=image_id)
    sid = server['id']
    _settled(api, sid, 'ACTIVE')
    _wait_marker(api, sid, manifest, 1)
    _act(api, sid, {'rescue': {}}, status=200)
    _settled(api, sid, 'RESCUE')
    output = _wait_marker(api, sid, manifest, 2)
    assert 'disk vdb present' in output     # its own disk, attached second
    _act(api, sid, {'unrescue': None})
    _settled(api, sid, 'ACTIVE')
    _wait_marker(api, sid, manifest, 3)
    _delete_leaves_nothing(stack, api, sid)


def test_guest_that_stops_by_itself_shows_shutoff(stack, api, image_id,
                                                   flavors, manifest):
    server = api.create_server(flavors[0], name='lv-self-stop',
                               image=image_id)
    sid = server['id']
    _settled(api, sid, 'ACTIVE')
    _wait_marker(api, sid, manifest, 1)
    import libvirt
    conn = libvirt.open(URI)
    try:
        conn.lookupByUUIDString(sid).destroy()  # behind nova's back
    finally:
        conn.close()
    server = _settled(api, sid, 'SHUTOFF', timeout=30)
    assert server['OS-EXT-STS:power_state'] == 4
    _delete_leaves_nothing(stack, api, sid)


def test_compute_killed_while_a_guest_boots(stack, api, image_id, flavors):
    """The compute stops in the middle of a build and starts again: the
    server ends ACTIVE or in ERROR with a fault, never stuck building."""
    compute = [s for s in stack.services.services
               if s.binary == 'nova-compute'][0]
    server = api.create_server(flavors[0], name='lv-crash', image=image_id)
    sid = server['id']
    deadline = time.monotonic() + 30
    while api.get('/servers/%s' % sid).json['server'][
            'OS-EXT-STS:task_state'] != 'spawning':
        assert time.monotonic() < deadline, 'never started spawning'
        time.sleep(0.05)
    compute.stop()
    stack.services.services.remove(compute)
    stack.services.services.append(embedded.start_compute(stack.conf, HOST))
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        server = api.get('/servers/%s' % sid).json['server']
        if server['status'] in ('ACTIVE', 'ERROR') and \
                server['OS-EXT-STS:task_state'] is None:
            break
        assert time.monotonic() < deadline, server
        time.sleep(0.2)
    if server['status'] == 'ERROR':
        assert server['fault']['message'], server
    _delete_leaves_nothing(stack, api, sid)


NETWORK_XML = """<network>
  <name>%(name)s</name>
  <bridge name='%(bridge)s'/>
  <ip address='192.168.213.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.213.10' end='192.168.213.200'/></dhcp>
  </ip>
</network>"""


@pytest.fixture
def network(stack):
    """A transient isolated libvirt network (bridge + dnsmasq) the guests
    of this test get a NIC on."""
    import libvirt
    name = 'nova-test-%d' % os.getpid()
    conn = libvirt.open(URI)
    try:
        net = conn.networkCreateXML(NETWORK_XML % {
            'name': name, 'bridge': 'virbr-nt%d' % (os.getpid() % 10000)})
    except libvirt.libvirtError as exc:
        conn.close()
        skip_loudly('cannot create a libvirt network here: %s' % exc)
    stack.conf.set_override('network', name, group='libvirt')
    try:
        yield name
    finally:
        stack.conf.clear_override('network', group='libvirt')
        net.destroy()
        conn.close()


def test_a_guest_with_a_nic_gets_an_address_by_dhcp(stack, api, image_id,
                                                    flavors, manifest,
                                                    network):
    server = api.create_server(flavors[0], name='lv-nic', image=image_id)
    sid = server['id']
    _settled(api, sid, 'ACTIVE')
    deadline = time.monotonic() + BOOT_TIMEOUT
    while 'eth0 has address 192.168.213.' not in _console(api, sid):
        assert time.monotonic() < deadline, _console(api, sid)[-2000:]
        time.sleep(0.5)
    _delete_leaves_nothing(stack, api, sid)
