"""Resize across hosts (the default: allow_resize_to_same_host is off)."""
import pytest

from tests.functional import conftest
from tests.functional.test_server_actions_resize import _act
from tests.functional.test_server_actions_resize import _allocations
from tests.functional.test_server_actions_resize import _Cloud
from tests.functional.test_server_actions_resize import _wait_for_migration


# -- across hosts -------------------------------------------------------------

@pytest.fixture(scope='module')
def three_hosts(tmp_path_factory):
    stack = conftest.Stack(tmp_path_factory.mktemp('resize3'))
    yield _Cloud(stack)
    stack.stop()


def test_resize_moves_to_another_host_and_revert_comes_back(three_hosts):
    cloud, user = three_hosts, three_hosts.user
    server = cloud.server()
    source = cloud.admin.get('/servers/%s' % server['id']).json['server'][
        'OS-EXT-SRV-ATTR:host']
    _act(user, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    user.wait_for_status(server['id'], 'VERIFY_RESIZE')
    migration = _wait_for_migration(server['id'], 'finished')
    dest = cloud.admin.get('/servers/%s' % server['id']).json['server'][
        'OS-EXT-SRV-ATTR:host']
    assert dest != source
    assert (migration.source_compute, migration.dest_compute) == \
        (source, dest)
    assert set(_allocations(cloud.stack, migration.uuid)) == {source}
    assert set(_allocations(cloud.stack, server['id'])) == {dest}
    _act(user, server['id'], {'revertResize': None})
    user.wait_for_status(server['id'], 'ACTIVE')
    back = cloud.admin.get('/servers/%s' % server['id']).json['server']
    assert back['OS-EXT-SRV-ATTR:host'] == source
    assert back['flavor']['id'] == cloud.small['id']
    assert _allocations(cloud.stack, server['id']) == {
        source: {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}}
    console = _act(user, server['id'], {'os-getConsoleOutput': {}}).json
    assert console['output'].count('FAKE-GUEST BOOTED') == 2


def test_confirm_across_hosts_frees_the_source(three_hosts):
    cloud, user = three_hosts, three_hosts.user
    server = cloud.server()
    _act(user, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    user.wait_for_status(server['id'], 'VERIFY_RESIZE')
    migration = _wait_for_migration(server['id'], 'finished')
    _act(user, server['id'], {'confirmResize': None})
    user.wait_for_status(server['id'], 'ACTIVE')
    _wait_for_migration(server['id'], 'confirmed')
    assert _allocations(cloud.stack, migration.uuid) == {}
    assert _allocations(cloud.stack, server['id']) == {
        migration.dest_compute: {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 2}}
    source_driver = [s.manager.driver for s in cloud.stack.services.services
                     if s.binary == 'nova-compute' and
                     s.host == migration.source_compute][0]
    assert server['id'] not in source_driver.list_instance_uuids()


def test_deleting_a_resized_server_frees_both_hosts(three_hosts):
    cloud, user = three_hosts, three_hosts.user
    server = cloud.server()
    _act(user, server['id'], {'resize': {'flavorRef': cloud.big['id']}})
    user.wait_for_status(server['id'], 'VERIFY_RESIZE')
    migration = _wait_for_migration(server['id'], 'finished')
    assert user.delete('/servers/%s' % server['id']).status_int == 204
    user.wait_for_gone(server['id'])
    _wait_for_migration(server['id'], 'confirmed')
    assert _allocations(cloud.stack, migration.uuid) == {}
    for host in (migration.source_compute, migration.dest_compute):
        driver = [s.manager.driver for s in cloud.stack.services.services
                  if s.binary == 'nova-compute' and s.host == host][0]
        assert server['id'] not in driver.list_instance_uuids(), host
