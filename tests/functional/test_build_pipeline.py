"""Boot and delete through every layer: API, conductor, scheduler, compute.

These exercise the behaviour the REST tests take for granted: where a
server lives while it is built, what a failure leaves behind, and what a
restart or a silent service does to it.
"""
import time
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from tests.functional import conftest


def _flavor(nova_api, **kw):
    return nova_api.create_flavor(**kw)['id']


def test_multi_create_spreads_and_all_become_active(nova_api):
    flavor = _flavor(nova_api)
    project = uuid.uuid4().hex
    user = nova_api.as_user('demo', project)
    resp = user.post('/servers', {'server': {
        'name': 'multi', 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID,
        'min_count': 6, 'max_count': 6, 'return_reservation_id': True}})
    assert resp.status_int == 202, resp.text
    reservation = resp.json['reservation_id']
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        servers = user.get('/servers/detail?reservation_id=%s'
                           % reservation).json['servers']
        if len(servers) == 6 and all(s['status'] == 'ACTIVE'
                                     for s in servers):
            break
        time.sleep(0.05)
    else:
        pytest.fail('not all ACTIVE: %s' % [s['status'] for s in servers])
    assert sorted(s['name'] for s in servers) == [
        'multi-%d' % i for i in range(1, 7)]
    admin_view = nova_api.get('/servers/detail?all_tenants=1&reservation_id='
                              '%s' % reservation).json['servers']
    hosts = {s['OS-EXT-SRV-ATTR:host'] for s in admin_view}
    assert hosts == set(conftest.COMPUTE_HOSTS)
    for server in servers:
        assert user.delete('/servers/%s' % server['id']).status_int == 204
    for server in servers:
        user.wait_for_gone(server['id'])


def test_server_too_big_for_every_host_is_error_with_novalidhost(nova_api):
    flavor = _flavor(nova_api, ram=10 ** 7)
    server = nova_api.create_server(flavor, name='huge')
    shown = nova_api.wait_for_status(server['id'], 'ERROR')
    assert shown['fault']['code'] == 500
    assert 'No valid host was found' in shown['fault']['message']
    assert 'MiB of RAM' in shown['fault']['message']
    # It lives in cell0, and it can be deleted from there.
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server['id'])
    assert mapping.cell_mapping.is_cell0
    assert nova_api.delete('/servers/%s' % server['id']).status_int == 204
    nova_api.wait_for_gone(server['id'])


def test_failed_spawn_is_error_with_fault_and_frees_the_host(nova_stack,
                                                             nova_api):
    nova_stack.conf.set_override('fail_spawn_names', ['doomed'],
                                 group='fake_driver')
    try:
        flavor = _flavor(nova_api)
        server = nova_api.create_server(flavor, name='doomed')
        shown = nova_api.wait_for_status(server['id'], 'ERROR')
    finally:
        nova_stack.conf.clear_override('fail_spawn_names',
                                       group='fake_driver')
    assert 'told to fail' in shown['fault']['message']
    assert 'details' in shown['fault']  # admins see the traceback
    assert nova_api.delete('/servers/%s' % server['id']).status_int == 204
    nova_api.wait_for_gone(server['id'])


def test_delete_while_building_leaves_nothing(nova_stack, nova_api):
    nova_stack.conf.set_override('spawn_seconds', 0.5, group='fake_driver')
    try:
        flavor = _flavor(nova_api)
        server = nova_api.create_server(flavor, name='short-lived')
        assert nova_api.delete('/servers/%s' % server['id']).status_int \
            == 204
        nova_api.wait_for_gone(server['id'])
    finally:
        nova_stack.conf.clear_override('spawn_seconds', group='fake_driver')
    time.sleep(1)  # let a late build, if any, run
    assert nova_api.get('/servers/%s' % server['id']).status_int == 404


def test_another_project_cannot_see_or_delete(nova_api):
    flavor = _flavor(nova_api)
    owner = nova_api.as_user('alice', uuid.uuid4().hex)
    other = nova_api.as_user('bob', uuid.uuid4().hex)
    server = owner.create_server(flavor, name='private')
    assert other.get('/servers/%s' % server['id']).status_int == 404
    assert other.delete('/servers/%s' % server['id']).status_int == 404
    assert server['id'] not in [
        s['id'] for s in other.get('/servers').json['servers']]
    owner.wait_for_status(server['id'], 'ACTIVE')
    assert owner.delete('/servers/%s' % server['id']).status_int == 204
    owner.wait_for_gone(server['id'])


def test_admin_can_force_a_host(nova_api):
    flavor = _flavor(nova_api)
    forced = nova_api.create_server(flavor, name='pinned',
                                    availability_zone='nova:compute2')
    shown = nova_api.wait_for_status(forced['id'], 'ACTIVE')
    assert shown['OS-EXT-SRV-ATTR:host'] == 'compute2'
    at_274 = nova_api.post('/servers', {'server': {
        'name': 'pinned-274', 'flavorRef': flavor, 'networks': 'none',
        'imageRef': conftest.IMAGE_ID, 'host': 'compute3'}},
        microversion='2.74')
    assert at_274.status_int == 202, at_274.text
    shown = nova_api.wait_for_status(at_274.json['server']['id'], 'ACTIVE')
    assert shown['OS-EXT-SRV-ATTR:host'] == 'compute3'
    for server in (forced, at_274.json['server']):
        nova_api.delete('/servers/%s' % server['id'])


def test_unsupported_create_options_are_a_clear_400(nova_api):
    flavor = _flavor(nova_api)
    resp = nova_api.post('/servers', {'server': {
        'name': 'netted', 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID,
        'networks': [{'uuid': str(uuid.uuid4())}]}}, microversion='2.37')
    assert resp.status_int == 400
    assert 'networking' in resp.json['badRequest']['message']
    resp = nova_api.post('/servers', {'server': {
        'name': 'grouped', 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID,
        'security_groups': [{'name': 'web'}]}})
    assert resp.status_int == 400
    assert 'web' in resp.json['badRequest']['message']
