"""DELETE /os-services/{service_id} through the whole stack.

A stack of its own, with four computes: ``busy`` (servers are pinned to
it), ``spare``, ``idle`` (stopped, then deleted, then started again) and
``ghost`` (deleted while still running). Every test leaves the stack as it
found it, so they may run in any order or apart.
"""
import time
import uuid

import pytest
import sqlalchemy as sa
import webob

from nova import context as nova_context
from nova.db import engines
from nova import embedded
from nova import exception
from nova import objects
from nova.placement import direct
from tests.functional import conftest

HOSTS = ('busy', 'spare', 'idle', 'ghost')


class _Cloud:
    def __init__(self, stack):
        self.stack = stack
        self.admin = conftest.ApiClient(stack.app)
        self.placement = direct.Placement(stack.conf)
        self.flavor = self.admin.create_flavor(
            name='tiny-' + uuid.uuid4().hex[:6], ram=64, vcpus=1, disk=1)
        self.big = self.admin.create_flavor(
            name='big-' + uuid.uuid4().hex[:6], ram=128, vcpus=2, disk=1)
        for host in HOSTS:
            _wait(lambda h=host: _provider(self, h), 'provider of %s' % host)
            _wait(lambda h=host: _mapping(h), 'mapping of %s' % host)

    def compute(self, host):
        return [s for s in self.stack.services.services
                if s.binary == 'nova-compute' and s.host == host][0]

    def stop_compute(self, host):
        compute = self.compute(host)
        compute.stop()
        self.stack.services.services.remove(compute)

    def start_compute(self, host):
        self.stack.services.services.append(
            embedded.start_compute(self.stack.conf, host))


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    stack = conftest.Stack(tmp_path_factory.mktemp('svcdel'), computes=HOSTS)
    try:
        yield _Cloud(stack)
    finally:
        stack.stop()


# -- helpers -----------------------------------------------------------------

def _wait(probe, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError('gave up waiting for %s' % what)


def _services(api, microversion='2.53', **filters):
    query = '&'.join('%s=%s' % kv for kv in sorted(filters.items()))
    resp = api.get('/os-services' + ('?' + query if query else ''),
                   microversion=microversion)
    assert resp.status_int == 200, resp.text
    return resp.json['services']


def _compute(api, host, microversion='2.53'):
    found = _services(api, microversion, host=host, binary='nova-compute')
    return found[0] if found else None


def _placement_get(cloud, path):
    req = webob.Request.blank('/placement' + path)
    req.headers['X-Auth-Token'] = 'admin:admin'
    req.headers['OpenStack-API-Version'] = 'placement 1.39'
    resp = req.get_response(cloud.stack.app)
    assert resp.status_int == 200, resp.text
    return resp.json


def _provider(cloud, name):
    """The provider named name, as GET /placement/resource_providers
    shows it, or None."""
    found = _placement_get(cloud, '/resource_providers?name=%s' % name)[
        'resource_providers']
    return found[0] if found else None


def _mapping(host):
    try:
        return objects.HostMapping.get_by_host(
            nova_context.get_admin_context(), host)
    except exception.HostMappingNotFound:
        return None


def _cell_context():
    ctxt = nova_context.get_admin_context()
    cell = [c for c in objects.CellMappingList.get_all(ctxt)
            if not c.is_cell0][0]
    return nova_context.target_cell(ctxt, cell)


def _nodes(host):
    with _cell_context() as cctxt:
        return list(objects.ComputeNodeList.get_all_by_host(cctxt, host))


def _aggregate(api, *hosts):
    resp = api.post('/os-aggregates', {'aggregate': {
        'name': 'agg-' + uuid.uuid4().hex[:8]}}, microversion='2.41')
    assert resp.status_int == 200, resp.text
    agg = resp.json['aggregate']
    for host in hosts:
        resp = api.post('/os-aggregates/%s/action' % agg['id'],
                        {'add_host': {'host': host}})
        assert resp.status_int == 200, resp.text
    return agg


def _aggregate_hosts(api, agg):
    return api.get('/os-aggregates/%s' % agg['id']).json['aggregate'][
        'hosts']


def _drop_aggregate(api, agg):
    for host in _aggregate_hosts(api, agg):
        api.post('/os-aggregates/%s/action' % agg['id'],
                 {'remove_host': {'host': host}})
    assert api.delete('/os-aggregates/%s' % agg['id']).status_int == 200


def _snapshot(cloud, host, agg):
    """What a refused delete must leave exactly as it was."""
    service = _compute(cloud.admin, host)
    provider = _provider(cloud, host)
    return {'service': (service['id'], service['status']),
            'provider': provider and provider['uuid'],
            'mapping': _mapping(host) is not None,
            'nodes': sorted(n.uuid for n in _nodes(host)),
            'aggregate': host in _aggregate_hosts(cloud.admin, agg)}


def _server_on(cloud, host, name='vm'):
    server = cloud.admin.create_server(
        cloud.flavor['id'], name=name, availability_zone='nova:%s' % host)
    return cloud.admin.wait_for_status(server['id'], 'ACTIVE')


def _delete_server(cloud, server_id):
    cloud.admin.delete('/servers/%s' % server_id)
    cloud.admin.wait_for_gone(server_id)


# -- errors ------------------------------------------------------------------

def test_members_cannot_delete(cloud):
    service = _compute(cloud.admin, 'spare')
    member = cloud.admin.as_user('demo', uuid.uuid4().hex)
    resp = member.delete('/os-services/%s' % service['id'],
                         microversion='2.53')
    assert resp.status_int == 403, resp.text
    assert _compute(cloud.admin, 'spare')['id'] == service['id']


def test_unknown_ids_are_404(cloud):
    resp = cloud.admin.delete('/os-services/%s' % uuid.uuid4(),
                              microversion='2.53')
    assert resp.status_int == 404, resp.text
    assert resp.json['itemNotFound']['code'] == 404
    for microversion in ('2.1', '2.52'):
        resp = cloud.admin.delete('/os-services/987654',
                                  microversion=microversion)
        assert resp.status_int == 404, resp.text


def test_malformed_ids_are_400(cloud):
    resp = cloud.admin.delete('/os-services/not-a-uuid',
                              microversion='2.53')
    assert resp.status_int == 400, resp.text
    assert resp.json['badRequest']['code'] == 400
    # An integer id is not a uuid from 2.53 on.
    integer_id = _compute(cloud.admin, 'spare', '2.52')['id']
    resp = cloud.admin.delete('/os-services/%s' % integer_id,
                              microversion='2.53')
    assert resp.status_int == 400, resp.text
    # Before 2.53 the id is an integer.
    uuid_id = _compute(cloud.admin, 'spare')['id']
    resp = cloud.admin.delete('/os-services/%s' % uuid_id,
                              microversion='2.52')
    assert resp.status_int == 400, resp.text
    assert _compute(cloud.admin, 'spare')['id'] == uuid_id


def test_a_conductor_row_is_deleted_by_integer_id_before_2_53(cloud):
    with _cell_context() as cctxt:
        old = objects.Service(cctxt, host='retired', binary='nova-conductor',
                              topic='conductor')
        old.create()
    listed = _services(cloud.admin, '2.52', host='retired')
    assert [s['id'] for s in listed] == [old.id]
    resp = cloud.admin.delete('/os-services/%d' % old.id, microversion='2.1')
    assert resp.status_int == 204, resp.text
    assert resp.body == b''
    assert _services(cloud.admin, '2.52', host='retired') == []
    # Soft-deleted, as the project deletes rows.
    with _cell_context() as cctxt:
        assert objects.Service.get_by_host_and_binary(
            cctxt, 'retired', 'nova-conductor') is None
    resp = cloud.admin.delete('/os-services/%d' % old.id, microversion='2.1')
    assert resp.status_int == 404, resp.text


# -- refused deletes ---------------------------------------------------------

def test_a_compute_hosting_a_server_is_409_and_nothing_changes(cloud):
    agg = _aggregate(cloud.admin, 'busy')
    server = _server_on(cloud, 'busy')
    try:
        before = _snapshot(cloud, 'busy', agg)
        resp = cloud.admin.delete('/os-services/%s' % before['service'][0],
                                  microversion='2.53')
        assert resp.status_int == 409, resp.text
        assert 'hosting instances' in \
            resp.json['conflictingRequest']['message']
        assert _snapshot(cloud, 'busy', agg) == before
        # Before 2.53, by integer id: the same answer.
        integer_id = _compute(cloud.admin, 'busy', '2.52')['id']
        resp = cloud.admin.delete('/os-services/%s' % integer_id,
                                  microversion='2.52')
        assert resp.status_int == 409, resp.text
        assert _snapshot(cloud, 'busy', agg) == before
    finally:
        _delete_server(cloud, server['id'])
        _drop_aggregate(cloud.admin, agg)


def test_a_compute_with_a_resize_in_progress_is_409(cloud):
    server = _server_on(cloud, 'busy', name='mover')
    try:
        resp = cloud.admin.post('/servers/%s/action' % server['id'],
                                {'resize': {'flavorRef': cloud.big['id']}})
        assert resp.status_int == 202, resp.text
        cloud.admin.wait_for_status(server['id'], 'VERIFY_RESIZE')
        shown = cloud.admin.get('/servers/%s' % server['id']).json['server']
        assert shown['OS-EXT-SRV-ATTR:host'] != 'busy'
        # The server has left the source, but its resize still holds the
        # source (a revert would come back to it).
        source = _compute(cloud.admin, 'busy')
        resp = cloud.admin.delete('/os-services/%s' % source['id'],
                                  microversion='2.53')
        assert resp.status_int == 409, resp.text
        assert 'in-progress migrations' in resp.text
        assert _compute(cloud.admin, 'busy')['id'] == source['id']
        assert _provider(cloud, 'busy') is not None
    finally:
        cloud.admin.post('/servers/%s/action' % server['id'],
                         {'confirmResize': None})
        cloud.admin.wait_for_status(server['id'], 'ACTIVE')
        _delete_server(cloud, server['id'])


def test_a_provider_placement_refuses_to_delete_is_409_and_nothing_changes(
        cloud):
    """An allocation no instance explains (here a stray consumer): placement
    will not delete the provider, so nothing of the delete happens."""
    agg = _aggregate(cloud.admin, 'spare')
    ctxt = nova_context.get_admin_context()
    provider = _provider(cloud, 'spare')
    # Deleted (leaves first) before placement refuses the root: the
    # refusal must bring it back with everything else.
    child = str(uuid.uuid4())
    cloud.placement.ensure_provider(ctxt, child, 'spare-gpu0',
                                    parent_uuid=provider['uuid'])
    stray = str(uuid.uuid4())
    cloud.placement.claim(ctxt, stray, {provider['uuid']: {'VCPU': 1}},
                          'p', 'u')
    try:
        before = _snapshot(cloud, 'spare', agg)
        resp = cloud.admin.delete('/os-services/%s' % before['service'][0],
                                  microversion='2.53')
        assert resp.status_int == 409, resp.text
        assert provider['uuid'] in resp.json['conflictingRequest']['message']
        assert _snapshot(cloud, 'spare', agg) == before
        assert agg['uuid'] in cloud.placement.get_aggregates(
            ctxt, provider['uuid'])
        assert _provider(cloud, 'spare-gpu0')['uuid'] == child
    finally:
        cloud.placement.delete_allocations(ctxt, [stray])
        cloud.placement.delete_provider(ctxt, child)
        _drop_aggregate(cloud.admin, agg)


# -- deletes -----------------------------------------------------------------

def test_deleting_a_stopped_compute_removes_its_records(cloud):
    agg = _aggregate(cloud.admin, 'idle', 'spare')
    ctxt = nova_context.get_admin_context()
    node_provider = _provider(cloud, 'idle')
    # A nested provider (a device of the host) goes with its tree.
    child = str(uuid.uuid4())
    cloud.placement.ensure_provider(ctxt, child, 'idle-gpu0',
                                    parent_uuid=node_provider['uuid'])
    service = _compute(cloud.admin, 'idle')
    old_nodes = _nodes('idle')
    assert [n.uuid for n in old_nodes] == [node_provider['uuid']]
    cloud.stop_compute('idle')   # as the API reference asks: stop it first
    try:
        resp = cloud.admin.delete('/os-services/%s' % service['id'],
                                  microversion='2.53')
        assert resp.status_int == 204, resp.text
        assert resp.body == b''

        assert _compute(cloud.admin, 'idle') is None
        assert [s for s in _services(cloud.admin)
                if s['id'] == service['id']] == []
        listed = {p['name'] for p in _placement_get(
            cloud, '/resource_providers')['resource_providers']}
        assert 'idle' not in listed and 'idle-gpu0' not in listed
        assert {'busy', 'spare'} <= listed
        assert _mapping('idle') is None
        assert _mapping('spare') is not None
        assert _aggregate_hosts(cloud.admin, agg) == ['spare']
        assert _nodes('idle') == []
        # A second delete finds nothing.
        resp = cloud.admin.delete('/os-services/%s' % service['id'],
                                  microversion='2.53')
        assert resp.status_int == 404, resp.text
    finally:
        cloud.start_compute('idle')
        _drop_aggregate(cloud.admin, agg)

    # Started again, the compute registers anew: a new service, a new
    # compute node and provider, and discovery maps the host again.
    back = _wait(lambda: _compute(cloud.admin, 'idle'), 'idle re-created')
    assert back['id'] != service['id'] and back['state'] == 'up'
    new_provider = _wait(lambda: _provider(cloud, 'idle'), 'idle provider')
    assert new_provider['uuid'] != node_provider['uuid']
    assert [n.uuid for n in _nodes('idle')] == [new_provider['uuid']]
    _wait(lambda: _mapping('idle'), 'idle mapped again')
    server = _server_on(cloud, 'idle')
    _delete_server(cloud, server['id'])


def test_a_running_compute_deleted_stops_writing_its_row(cloud):
    """Nova asks operators to stop a compute before deleting it; one
    deleted while running no longer heartbeats into its deleted row, and
    registers again when restarted."""
    service = _compute(cloud.admin, 'ghost')
    resp = cloud.admin.delete('/os-services/%s' % service['id'],
                              microversion='2.53')
    assert resp.status_int == 204, resp.text
    assert _compute(cloud.admin, 'ghost') is None
    ghost = cloud.compute('ghost')

    def deleted_row():
        with _cell_context() as cctxt, engines.main_reader(cctxt) as session:
            return tuple(session.execute(sa.text(
                'SELECT deleted, last_seen_up FROM services '
                'WHERE uuid = :uuid'), {'uuid': service['id']}).one())
    first = deleted_row()
    assert first[0] != 0
    time.sleep(3 * cloud.stack.conf.report_interval)
    assert deleted_row() == first
    assert _compute(cloud.admin, 'ghost') is None

    ghost.stop()
    cloud.stack.services.services.remove(ghost)
    cloud.start_compute('ghost')
    back = _wait(lambda: _compute(cloud.admin, 'ghost'), 'ghost back')
    assert back['id'] != service['id']
    _wait(lambda: _provider(cloud, 'ghost'), 'ghost provider')
    _wait(lambda: _mapping('ghost'), 'ghost mapped again')
