"""Scheduling on placement through the compute API, with three fake
computes: provider reports, claims, NoValidHost explanations, multi-create
in one pass, rescheduling to an alternate, and no leaked allocation."""
import time
import uuid

import pytest

from nova.cmd import manage_placement
from nova import context as nova_context
from nova import objects
from nova.placement.candidates import request as cand
from nova.placement import direct
from tests.functional import conftest

# A fake host: 131072 MiB * 1.5 - 512 reserved = 196096 MiB schedulable.
BIG_RAM = 60000   # three per host, nine in all


@pytest.fixture(scope='module')
def placement(nova_stack):
    return direct.Placement(nova_stack.conf)


@pytest.fixture
def ctx():
    return nova_context.get_admin_context()


def _providers(placement, ctx):
    return placement.providers_by_name(ctx, conftest.COMPUTE_HOSTS)


def _live_instance_uuids(nova_api):
    servers = nova_api.get('/servers?all_tenants=1&limit=1000').json
    return {s['id'] for s in servers['servers']}


def _wait_no_leak(placement, ctx, nova_api, timeout=10):
    """Every placement consumer is a live server (frees are batched)."""
    deadline = time.monotonic() + timeout
    while True:
        leaked = placement.consumers(ctx) - _live_instance_uuids(nova_api)
        if not leaked or time.monotonic() > deadline:
            return leaked
        time.sleep(0.1)


def _delete_all(api, server_ids):
    for server_id in server_ids:
        assert api.delete('/servers/%s' % server_id).status_int == 204
    for server_id in server_ids:
        api.wait_for_gone(server_id)


def test_every_compute_reports_its_provider(placement, ctx):
    providers = _providers(placement, ctx)
    assert set(providers) == set(conftest.COMPUTE_HOSTS)
    nodes = {n.hypervisor_hostname: n.uuid for n in
             objects.ComputeNodeList.get_all(_cell1(ctx))}
    for name, rp_uuid in providers.items():
        assert nodes[name] == rp_uuid  # provider uuid = compute node uuid
    group = cand.RequestGroup(resources={'VCPU': 1, 'MEMORY_MB': 1,
                                         'DISK_GB': 1},
                              required_traits=[{'COMPUTE_IMAGE_TYPE_QCOW2'}],
                              forbidden_traits={'COMPUTE_STATUS_DISABLED'})
    found = placement.get_candidates(ctx, cand.CandidateRequest([group]))
    summaries = found.provider_summaries
    assert set(summaries) == set(providers.values())
    one = summaries[providers['compute1']]['resources']
    # Ratios and reserved amounts from config: 64*16 vCPU, RAM*1.5-512.
    assert one['VCPU']['capacity'] == 64 * 16
    assert one['MEMORY_MB']['capacity'] == int((131072 - 512) * 1.5)
    assert one['DISK_GB']['capacity'] == 2048


def _cell1(ctx):
    cell = [c for c in objects.CellMappingList.get_all(ctx)
            if not c.is_cell0][0]
    with nova_context.target_cell(ctx, cell) as cctxt:
        return cctxt


def test_boot_claims_in_placement_and_delete_frees(nova_api, placement, ctx):
    flavor = nova_api.create_flavor(ram=256, vcpus=2, disk=3)['id']
    server = nova_api.create_server(flavor, name='claimed')
    shown = nova_api.wait_for_status(server['id'], 'ACTIVE')
    held = placement.get_allocations(ctx, server['id'])
    rp_uuid = _providers(placement, ctx)[shown['OS-EXT-SRV-ATTR:host']]
    assert held['allocations'] == {
        rp_uuid: {'VCPU': 2, 'MEMORY_MB': 256, 'DISK_GB': 3}}
    _delete_all(nova_api, [server['id']])
    assert not _wait_no_leak(placement, ctx, nova_api)
    assert placement.get_allocations(ctx, server['id'])['allocations'] == {}


def test_full_hosts_give_novalidhost_that_explains(nova_api):
    flavor = nova_api.create_flavor(ram=64 * 1024 * 4)['id']   # 256 GiB
    user = nova_api.as_user('demo', uuid.uuid4().hex)
    server = user.create_server(flavor, name='too-big')
    shown = user.wait_for_status(server['id'], 'ERROR')
    message = shown['fault']['message']
    assert 'No valid host was found' in message
    assert 'No host has 256 GiB of RAM free.' in message
    assert 'compute1' not in message       # tenants see no host names
    assert 'details' not in shown['fault']
    admin_view = nova_api.get('/servers/%s' % server['id']).json['server']
    details = admin_view['fault']['details']
    assert 'placement: 3 host(s) in, 3 removed' in details
    assert 'compute1, compute2, compute3' in details
    _delete_all(user, [server['id']])


def test_multi_create_is_placed_whole_or_not_at_all(nova_api, placement,
                                                    ctx):
    flavor = nova_api.create_flavor(ram=BIG_RAM, disk=1)['id']
    user = nova_api.as_user('demo', uuid.uuid4().hex)
    resp = user.post('/servers', {'server': {
        'name': 'ten', 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID,
        'min_count': 10, 'max_count': 10, 'return_reservation_id': True}})
    assert resp.status_int == 202, resp.text
    reservation = resp.json['reservation_id']
    servers = _wait_reservation(user, reservation, 10, {'ERROR'})
    message = servers[0]['fault']['message']
    assert 'Only 9 of the 10 instances could be placed' in message, message
    assert 'RAM free' in message
    assert not _wait_no_leak(placement, ctx, nova_api)
    _delete_all(user, [s['id'] for s in servers])
    # Nine fit: all ACTIVE, three per host, claimed in one pass.
    resp = user.post('/servers', {'server': {
        'name': 'nine', 'flavorRef': flavor, 'imageRef': conftest.IMAGE_ID,
        'min_count': 9, 'max_count': 9, 'return_reservation_id': True}})
    servers = _wait_reservation(user, resp.json['reservation_id'], 9,
                                {'ACTIVE'})
    admin = nova_api.get('/servers/detail?all_tenants=1&reservation_id=%s'
                         % resp.json['reservation_id']).json['servers']
    per_host = {}
    for server in admin:
        host = server['OS-EXT-SRV-ATTR:host']
        per_host[host] = per_host.get(host, 0) + 1
    assert per_host == {h: 3 for h in conftest.COMPUTE_HOSTS}
    _delete_all(user, [s['id'] for s in servers])
    assert not _wait_no_leak(placement, ctx, nova_api)


def _wait_reservation(api, reservation, count, statuses, timeout=30):
    deadline = time.monotonic() + timeout
    servers = []
    while time.monotonic() < deadline:
        servers = api.get('/servers/detail?reservation_id=%s'
                          % reservation).json['servers']
        if len(servers) == count and all(s['status'] in statuses
                                         for s in servers):
            return servers
        time.sleep(0.1)
    raise AssertionError('reservation %s: %s' % (
        reservation, [s['status'] for s in servers]))


def test_failed_build_is_rescheduled_to_an_alternate(nova_stack, nova_api,
                                                     placement, ctx):
    conf = nova_stack.conf
    flavor = nova_api.create_flavor(ram=1024)['id']
    # Make compute1 the first choice: it runs something and the RAM
    # weigher stacks; then make every build on it fail.
    first = nova_api.create_server(
        flavor, name='anchor', availability_zone='nova:compute1')
    nova_api.wait_for_status(first['id'], 'ACTIVE')
    stacking = ('ram_weight_multiplier', 'cpu_weight_multiplier',
                'disk_weight_multiplier')
    for name in stacking:
        conf.set_override(name, -1.0, group='filter_scheduler')
    conf.set_override('fail_spawn_hosts', ['compute1'], group='fake_driver')
    try:
        server = nova_api.create_server(flavor, name='rescheduled')
        shown = nova_api.wait_for_status(server['id'], 'ACTIVE')
    finally:
        for name in stacking:
            conf.clear_override(name, group='filter_scheduler')
        conf.clear_override('fail_spawn_hosts', group='fake_driver')
    host = shown['OS-EXT-SRV-ATTR:host']
    assert host != 'compute1'
    # The first attempt ran, and failed, on compute1.
    assert [e.host for e in _build_events(ctx, server['id'])
            if e.result == 'Error'] == ['compute1']
    held = placement.get_allocations(ctx, server['id'])['allocations']
    assert list(held) == [_providers(placement, ctx)[host]]
    assert not _wait_no_leak(placement, ctx, nova_api)
    # What the operator would run finds nothing orphaned either.
    assert manage_placement.audit(nova_stack.conf) == \
        manage_placement.AUDIT_CLEAN
    _delete_all(nova_api, [first['id'], server['id']])
    assert not _wait_no_leak(placement, ctx, nova_api)


def _build_events(ctx, server_id):
    cctxt = _cell1(ctx)
    events = []
    for action in objects.InstanceActionList.get_by_instance_uuid(
            cctxt, server_id):
        events.extend(objects.InstanceActionEventList.get_by_action(
            cctxt, action.id))
    return events


def test_build_failing_everywhere_ends_error_and_frees(nova_stack, nova_api,
                                                       placement, ctx):
    conf = nova_stack.conf
    conf.set_override('fail_spawn_hosts', list(conftest.COMPUTE_HOSTS),
                      group='fake_driver')
    try:
        flavor = nova_api.create_flavor()['id']
        server = nova_api.create_server(flavor, name='unlucky')
        shown = nova_api.wait_for_status(server['id'], 'ERROR')
    finally:
        conf.clear_override('fail_spawn_hosts', group='fake_driver')
    assert 'Build failed on every host tried' in shown['fault']['message']
    assert placement.get_allocations(ctx, server['id'])['allocations'] == {}
    _delete_all(nova_api, [server['id']])
    assert not _wait_no_leak(placement, ctx, nova_api)


def test_disabled_compute_is_reported_and_avoided(nova_api, placement, ctx):
    cctxt = _cell1(ctx)
    service = objects.Service.get_by_compute_host(cctxt, 'compute3')
    service.disabled = True
    service.save()
    try:
        rp_uuid = _providers(placement, ctx)['compute3']
        group = cand.RequestGroup(
            resources={'VCPU': 1},
            required_traits=[{'COMPUTE_STATUS_DISABLED'}])
        deadline = time.monotonic() + 15   # the tracker's periodic task
        while True:
            found = placement.get_candidates(
                ctx, cand.CandidateRequest([group])).provider_summaries
            if set(found) == {rp_uuid} or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert set(found) == {rp_uuid}
        flavor = nova_api.create_flavor()['id']
        resp = nova_api.post('/servers', {'server': {
            'name': 'avoid', 'flavorRef': flavor,
            'imageRef': conftest.IMAGE_ID, 'min_count': 4, 'max_count': 4,
            'return_reservation_id': True}})
        servers = _wait_reservation(nova_api, resp.json['reservation_id'],
                                    4, {'ACTIVE'})
        hosts = {s['OS-EXT-SRV-ATTR:host'] for s in servers}
        # (Which of the two: the BuildFailureWeigher remembers the hosts
        # earlier tests made fail.)
        assert hosts and 'compute3' not in hosts
        _delete_all(nova_api, [s['id'] for s in servers])
    finally:
        service.disabled = False
        service.save()
