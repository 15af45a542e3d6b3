"""Server groups, availability zones, aggregates and hints as the scheduler
applies them, through the compute API with three fake computes."""
import time
import uuid

import pytest

from nova import context as nova_context
from nova.placement import direct
from tests.functional import conftest


def _user(nova_api):
    return nova_api.as_user('demo', uuid.uuid4().hex)


def _group(api, policy, **extra):
    # Soft policies arrived in 2.15.
    resp = api.post('/os-server-groups', {'server_group': dict(
        name='g-' + policy, policies=[policy], **extra)},
        microversion='2.15')
    assert resp.status_int == 200, resp.text
    return resp.json['server_group']['id']


def _boot(api, flavor, name, hints=None, **extra):
    body = {'server': dict({'name': name, 'flavorRef': flavor,
                            'imageRef': conftest.IMAGE_ID}, **extra)}
    if hints:
        body['os:scheduler_hints'] = hints
    resp = api.post('/servers', body)
    assert resp.status_int == 202, resp.text
    return resp.json['server']['id']


def _host(nova_api, server_id):
    return nova_api.get('/servers/%s' % server_id).json['server'][
        'OS-EXT-SRV-ATTR:host']


def _cleanup(api, server_ids):
    """Delete the servers and wait until placement freed them too."""
    for server_id in server_ids:
        api.delete('/servers/%s' % server_id)
    for server_id in server_ids:
        api.wait_for_gone(server_id)
    placement = direct.Placement(conftest.Stack.running.conf)
    ctx = nova_context.get_admin_context()
    deadline = time.monotonic() + 10
    while placement.consumers(ctx) & set(server_ids):
        assert time.monotonic() < deadline, 'allocations leaked'
        time.sleep(0.05)


@pytest.fixture(scope='module')
def flavor(nova_stack):
    return conftest.ApiClient(nova_stack.app).create_flavor()['id']


def test_anti_affinity_spreads_then_explains_the_refusal(nova_api, flavor):
    user = _user(nova_api)
    group = _group(user, 'anti-affinity')
    servers = [_boot(user, flavor, 'anti-%d' % i, {'group': group})
               for i in range(3)]
    for server_id in servers:
        user.wait_for_status(server_id, 'ACTIVE')
    assert {_host(nova_api, s) for s in servers} == \
        set(conftest.COMPUTE_HOSTS)
    fourth = _boot(user, flavor, 'anti-4', {'group': group})
    shown = user.wait_for_status(fourth, 'ERROR')
    assert shown['fault']['message'] == (
        'No valid host was found. Anti-affinity: every host already has a '
        'member of the group.')
    details = nova_api.get('/servers/%s' % fourth).json['server'][
        'fault']['details']
    assert 'ServerGroupAntiAffinityFilter: 3 host(s) in, 3 removed' in \
        details
    _cleanup(user, servers + [fourth])


def test_anti_affinity_multi_create_spreads_in_one_pass(nova_api, flavor):
    user = _user(nova_api)
    group = _group(user, 'anti-affinity')
    resp = user.post('/servers', {
        'server': {'name': 'spread', 'flavorRef': flavor,
                   'imageRef': conftest.IMAGE_ID, 'min_count': 3,
                   'max_count': 3, 'return_reservation_id': True},
        'os:scheduler_hints': {'group': group}})
    assert resp.status_int == 202, resp.text
    servers = _wait_reservation(user, resp.json['reservation_id'], 3)
    assert {_host(nova_api, s['id']) for s in servers} == \
        set(conftest.COMPUTE_HOSTS)
    _cleanup(user, [s['id'] for s in servers])


def _wait_reservation(api, reservation, count, timeout=20):
    deadline = time.monotonic() + timeout
    servers = []
    while time.monotonic() < deadline:
        servers = api.get('/servers/detail?reservation_id=%s'
                          % reservation).json['servers']
        if len(servers) == count and all(s['status'] in ('ACTIVE', 'ERROR')
                                         for s in servers):
            assert {s['status'] for s in servers} == {'ACTIVE'}, \
                [s.get('fault') for s in servers]
            return servers
        time.sleep(0.1)
    raise AssertionError([s['status'] for s in servers])


def test_affinity_packs_on_one_host(nova_api, flavor):
    user = _user(nova_api)
    group = _group(user, 'affinity')
    servers = []
    for i in range(3):
        servers.append(_boot(user, flavor, 'aff-%d' % i, {'group': group}))
        user.wait_for_status(servers[-1], 'ACTIVE')
    assert len({_host(nova_api, s) for s in servers}) == 1
    _cleanup(user, servers)


def test_soft_anti_affinity_spreads_without_refusing(nova_api, flavor):
    user = _user(nova_api)
    group = _group(user, 'soft-anti-affinity')
    servers = []
    for i in range(4):
        servers.append(_boot(user, flavor, 'soft-%d' % i, {'group': group}))
        user.wait_for_status(servers[-1], 'ACTIVE')
    hosts = [_host(nova_api, s) for s in servers]
    assert set(hosts[:3]) == set(conftest.COMPUTE_HOSTS)
    _cleanup(user, servers)


def test_same_host_and_different_host_hints(nova_api, flavor):
    user = _user(nova_api)
    first = _boot(user, flavor, 'first')
    user.wait_for_status(first, 'ACTIVE')
    near = _boot(user, flavor, 'near', {'same_host': [first]})
    far = _boot(user, flavor, 'far', {'different_host': [first]})
    user.wait_for_status(near, 'ACTIVE')
    user.wait_for_status(far, 'ACTIVE')
    assert _host(nova_api, near) == _host(nova_api, first)
    assert _host(nova_api, far) != _host(nova_api, first)
    _cleanup(user, [first, near, far])


def test_availability_zone_lands_only_in_that_zone(nova_stack, nova_api,
                                                   flavor):
    agg = nova_api.post('/os-aggregates', {'aggregate': {
        'name': 'zone-a', 'availability_zone': 'zone-a'}}).json['aggregate']
    resp = nova_api.post('/os-aggregates/%s/action' % agg['id'],
                         {'add_host': {'host': 'compute2'}})
    assert resp.status_int == 200, resp.text
    user = _user(nova_api)
    try:
        servers = [_boot(user, flavor, 'az-%d' % i,
                         availability_zone='zone-a') for i in range(3)]
        for server_id in servers:
            user.wait_for_status(server_id, 'ACTIVE')
        assert {_host(nova_api, s) for s in servers} == {'compute2'}
        # The default zone no longer has compute2.
        others = [_boot(user, flavor, 'nova-%d' % i,
                        availability_zone='nova') for i in range(4)]
        for server_id in others:
            user.wait_for_status(server_id, 'ACTIVE')
        assert 'compute2' not in {_host(nova_api, s) for s in others}
        _cleanup(user, servers + others)
    finally:
        nova_api.post('/os-aggregates/%s/action' % agg['id'],
                      {'remove_host': {'host': 'compute2'}})
        nova_api.delete('/os-aggregates/%s' % agg['id'])


def test_full_zone_says_so(nova_api):
    agg = nova_api.post('/os-aggregates', {'aggregate': {
        'name': 'zone-b', 'availability_zone': 'zone-b'}}).json['aggregate']
    nova_api.post('/os-aggregates/%s/action' % agg['id'],
                  {'add_host': {'host': 'compute3'}})
    # One fits on a fake host (196096 MiB schedulable), two do not.
    big = nova_api.create_flavor(ram=100000)['id']
    user = _user(nova_api)
    try:
        first = _boot(user, big, 'big-1', availability_zone='zone-b')
        user.wait_for_status(first, 'ACTIVE')
        second = _boot(user, big, 'big-2', availability_zone='zone-b')
        shown = user.wait_for_status(second, 'ERROR')
        _cleanup(user, [first, second])
    finally:
        nova_api.post('/os-aggregates/%s/action' % agg['id'],
                      {'remove_host': {'host': 'compute3'}})
        nova_api.delete('/os-aggregates/%s' % agg['id'])
    assert shown['fault']['message'] == (
        'No valid host was found. No host with room for it is in '
        'availability zone zone-b.')


def test_no_allocation_is_left_behind(nova_stack, nova_api):
    ctx = nova_context.get_admin_context()
    placement = direct.Placement(nova_stack.conf)
    deadline = time.monotonic() + 10
    while placement.consumers(ctx) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert placement.consumers(ctx) == set()
