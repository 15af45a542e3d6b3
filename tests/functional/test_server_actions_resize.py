"""Resize through the whole stack: flavors, hosts, allocations, 409s.

A stack with ``allow_resize_to_same_host`` and a single compute: the
resize stays on it (test_server_actions_resize_hosts.py moves between
hosts).
"""
import time
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from nova.placement import direct
from tests.functional import conftest


def _act(client, server_id, body):
    return client.post('/servers/%s/action' % server_id, body)


def _migrations(server_id):
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        return objects.MigrationList.get_by_instance(cctxt,
                                                     server_id).objects


def _allocations(stack, consumer):
    """{provider name: {rc: n}} held by consumer."""
    placement = direct.Placement(stack.conf)
    ctx = nova_context.get_admin_context()
    held = placement.get_allocations(ctx, consumer)['allocations']
    return {placement.get_provider(ctx, rp)['name']: resources
            for rp, resources in held.items()}


def _wait_for_migration(server_id, status, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        migrations = _migrations(server_id)
        if migrations and migrations[0].status == status:
            return migrations[0]
        time.sleep(0.05)
    raise AssertionError('migration of %s never %s: %s' % (
        server_id, status, [m.status for m in _migrations(server_id)]))


class _Cloud:
    def __init__(self, stack):
        self.stack = stack
        self.admin = conftest.ApiClient(stack.app)
        self.small = self.admin.create_flavor(
            name='small-' + uuid.uuid4().hex[:6], ram=64, vcpus=1, disk=1)
        self.big = self.admin.create_flavor(
            name='big-' + uuid.uuid4().hex[:6], ram=256, vcpus=2, disk=2)
        self.user = self.admin.as_user('demo', uuid.uuid4().hex)

    def server(self, name='vm'):
        server = self.user.create_server(self.small['id'], name=name)
        return self.user.wait_for_status(server['id'], 'ACTIVE')


@pytest.fixture(scope='module')
def one_host(tmp_path_factory):
    stack = conftest.Stack(
        tmp_path_factory.mktemp('resize1'), computes=('solo',),
        allow_resize_to_same_host=True,
        **{'fake_driver.fail_actions': ['shrinkme:finish_migration']})
    yield _Cloud(stack)
    stack.stop()


# -- on one host --------------------------------------------------------------

def test_resize_then_confirm_on_the_same_host(one_host):
    cloud, user = one_host, one_host.user
    server = cloud.server()
    assert _allocations(cloud.stack, server['id']) == {
        'solo': {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}}
    resp = _act(user, server['id'], {'resize': {
        'flavorRef': cloud.big['id']}})
    assert resp.status_int == 202 and resp.body == b''
    resized = user.wait_for_status(server['id'], 'VERIFY_RESIZE')
    assert resized['flavor']['id'] == cloud.big['id']
    assert resized['OS-EXT-STS:vm_state'] == 'resized'
    assert resized['OS-EXT-STS:power_state'] == 1
    migration = _wait_for_migration(server['id'], 'finished')
    assert (migration.source_compute, migration.dest_compute) == \
        ('solo', 'solo')
    assert migration.migration_type == 'resize'
    # The old flavor is held by the migration, the new by the instance.
    assert _allocations(cloud.stack, migration.uuid) == {
        'solo': {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}}
    assert _allocations(cloud.stack, server['id']) == {
        'solo': {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 2}}
    resp = _act(user, server['id'], {'confirmResize': None})
    assert resp.status_int == 204, resp.text
    active = user.wait_for_status(server['id'], 'ACTIVE')
    assert active['flavor']['id'] == cloud.big['id']
    _wait_for_migration(server['id'], 'confirmed')
    assert _allocations(cloud.stack, migration.uuid) == {}
    latest = user.get('/servers/%s' % server['id'],
                      microversion='2.47').json['server']
    assert latest['flavor']['ram'] == 256 and latest['flavor']['vcpus'] == 2


def test_resize_then_revert_restores_flavor_and_allocations(one_host):
    cloud, user = one_host, one_host.user
    server = cloud.server()
    _act(user, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    user.wait_for_status(server['id'], 'VERIFY_RESIZE')
    migration = _wait_for_migration(server['id'], 'finished')
    resp = _act(user, server['id'], {'revertResize': None})
    assert resp.status_int == 202, resp.text
    active = user.wait_for_status(server['id'], 'ACTIVE')
    assert active['flavor']['id'] == cloud.small['id']
    assert active['OS-EXT-STS:power_state'] == 1
    _wait_for_migration(server['id'], 'reverted')
    assert _allocations(cloud.stack, migration.uuid) == {}
    assert _allocations(cloud.stack, server['id']) == {
        'solo': {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}}


def test_a_stopped_server_stays_stopped_through_a_resize(one_host):
    cloud, user = one_host, one_host.user
    server = cloud.server()
    _act(user, server['id'], {'os-stop': None})
    user.wait_for_status(server['id'], 'SHUTOFF')
    _act(user, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    resized = user.wait_for_status(server['id'], 'VERIFY_RESIZE')
    assert resized['OS-EXT-STS:power_state'] == 4
    _act(user, server['id'], {'confirmResize': None})
    stopped = user.wait_for_status(server['id'], 'SHUTOFF')
    assert stopped['flavor']['id'] == cloud.big['id']


def test_resize_409s_and_400s(one_host):
    cloud, user = one_host, one_host.user
    server = cloud.server()
    sid = server['id']
    same = _act(user, sid, {'resize': {'flavorRef': cloud.small['id']}})
    assert same.status_int == 400
    assert same.json['badRequest']['message'] == \
        'When resizing, instances must change flavor!'
    unknown = _act(user, sid, {'resize': {'flavorRef': 'no-such-flavor'}})
    assert unknown.status_int == 400
    assert _act(user, sid, {'resize': {}}).status_int == 400
    for name in ('confirmResize', 'revertResize'):
        resp = _act(user, sid, {name: None})
        assert resp.status_int == 409
        assert resp.json['conflictingRequest']['message'] == (
            "Cannot '%s' instance %s while it is in vm_state active"
            % (name, sid))
    _act(user, sid, {'resize': {'flavorRef': cloud.big['id']}})
    user.wait_for_status(sid, 'VERIFY_RESIZE')
    again = _act(user, sid, {'resize': {'flavorRef': cloud.small['id']}})
    assert again.status_int == 409
    assert 'vm_state resized' in again.json['conflictingRequest']['message']
    assert _act(user, sid, {'os-stop': None}).status_int == 409


def test_a_failed_finish_ends_in_error_with_a_fault(one_host):
    cloud, user = one_host, one_host.user
    server = cloud.server(name='shrinkme')
    _act(user, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    failed = user.wait_for_status(server['id'], 'ERROR')
    assert failed['OS-EXT-STS:task_state'] is None
    assert 'told to fail finish_migration' in failed['fault']['message']
    assert _wait_for_migration(server['id'], 'error')


def test_resize_that_fits_nowhere_keeps_the_server_active(one_host):
    cloud, user = one_host, one_host.user
    huge = cloud.admin.create_flavor(name='huge-' + uuid.uuid4().hex[:6],
                                     ram=10 ** 7, vcpus=1, disk=1)
    server = cloud.server()
    _act(user, server['id'], {'resize': {'flavorRef': huge['id']}})
    _wait_for_migration(server['id'], 'error')
    active = user.wait_for_status(server['id'], 'ACTIVE')
    assert active['OS-EXT-STS:task_state'] is None
    assert active['flavor']['id'] == cloud.small['id']
    assert _allocations(cloud.stack, server['id']) == {
        'solo': {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}}


def test_a_disk_that_cannot_shrink_is_rolled_back(one_host):
    """The driver refuses on the source before the guest moved: the server
    is put back (guest running, old flavor and allocation) with a fault
    recorded, and the migration ends in error."""
    cloud, user = one_host, one_host.user
    tiny = cloud.admin.create_flavor(name='tiny-' + uuid.uuid4().hex[:6],
                                     ram=64, vcpus=1, disk=1)
    server = user.create_server(cloud.big['id'], name='shrink-disk')
    user.wait_for_status(server['id'], 'ACTIVE')
    _act(user, server['id'], {'resize': {'flavorRef': tiny['id']}})
    _wait_for_migration(server['id'], 'error')
    active = user.wait_for_status(server['id'], 'ACTIVE')
    assert active['OS-EXT-STS:task_state'] is None
    assert active['OS-EXT-STS:power_state'] == 1
    assert active['flavor']['id'] == cloud.big['id']
    assert _allocations(cloud.stack, server['id']) == {
        'solo': {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 2}}
