"""/os-aggregates through the stack, and its placement mirror."""
import time
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from nova.placement import direct


def _name():
    return 'agg-' + uuid.uuid4().hex[:8]


def _create(nova_api, name=None, zone=None, **kw):
    body = {'aggregate': {'name': name or _name()}}
    if zone is not None:
        body['aggregate']['availability_zone'] = zone
    return nova_api.post('/os-aggregates', body, **kw)


def _action(nova_api, agg_id, name, value, **kw):
    return nova_api.post('/os-aggregates/%s/action' % agg_id, {name: value},
                         **kw)


def _node_uuid(host):
    """The compute node (placement provider) uuid of a host."""
    ctxt = nova_context.get_admin_context()
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.is_cell0:
            continue
        with nova_context.target_cell(ctxt, cell) as cctxt:
            nodes = objects.ComputeNodeList.get_all_by_host(cctxt, host)
            if nodes:
                return nodes[0].uuid
    raise AssertionError('no compute node for %s' % host)


@pytest.fixture(scope='module')
def placement(nova_stack):
    return direct.Placement(nova_stack.conf)


@pytest.fixture(scope='module')
def reported(nova_stack, placement):
    """Wait until every compute's provider is in placement."""
    ctxt = nova_context.get_admin_context()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if all(placement.get_provider(ctxt, _node_uuid(h))
                   for h in ('compute1', 'compute2', 'compute3')):
                return
        except AssertionError:
            pass
        time.sleep(0.1)
    raise AssertionError('computes did not report to placement')


def test_create_show_list_update_delete(nova_api):
    name = _name()
    resp = _create(nova_api, name, zone='london')
    assert resp.status_int == 200, resp.text
    agg = resp.json['aggregate']
    assert set(agg) == {'id', 'name', 'availability_zone', 'created_at',
                        'updated_at', 'deleted_at', 'deleted'}
    assert agg['name'] == name and agg['availability_zone'] == 'london'
    assert agg['deleted'] is False and agg['updated_at'] is None
    shown = nova_api.get('/os-aggregates/%s' % agg['id']).json['aggregate']
    assert shown['hosts'] == []
    assert shown['metadata'] == {'availability_zone': 'london'}
    assert 'uuid' not in shown
    listed = nova_api.get('/os-aggregates').json['aggregates']
    assert agg['id'] in [a['id'] for a in listed]
    new_name = _name()
    resp = nova_api.put('/os-aggregates/%s' % agg['id'], {
        'aggregate': {'name': new_name, 'availability_zone': 'paris'}})
    assert resp.status_int == 200, resp.text
    updated = resp.json['aggregate']
    assert updated['name'] == new_name
    assert updated['availability_zone'] == 'paris'
    assert updated['metadata'] == {'availability_zone': 'paris'}
    assert nova_api.delete('/os-aggregates/%s' % agg['id']).status_int == 200
    resp = nova_api.get('/os-aggregates/%s' % agg['id'])
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404


def test_uuid_from_2_41(nova_api):
    agg = _create(nova_api, microversion='2.41').json['aggregate']
    assert uuid.UUID(agg['uuid'])
    shown = nova_api.get('/os-aggregates/%s' % agg['id'],
                         microversion='2.41').json['aggregate']
    assert shown['uuid'] == agg['uuid']
    nova_api.delete('/os-aggregates/%s' % agg['id'])


def test_duplicate_names_conflict(nova_api):
    agg = _create(nova_api).json['aggregate']
    resp = _create(nova_api, agg['name'])
    assert resp.status_int == 409
    assert agg['name'] in resp.json['conflictingRequest']['message']
    other = _create(nova_api).json['aggregate']
    resp = nova_api.put('/os-aggregates/%s' % other['id'],
                        {'aggregate': {'name': agg['name']}})
    assert resp.status_int == 409


@pytest.mark.parametrize('body', [
    {'aggregate': {'name': ''}},
    {'aggregate': {'name': ' x'}},
    {'aggregate': {'name': 'x', 'availability_zone': 'a:b'}},
    {'aggregate': {'name': 'x', 'extra': 1}},
    {'aggregate': {}},
    {'name': 'x'},
])
def test_invalid_create_bodies(nova_api, body):
    assert nova_api.post('/os-aggregates', body).status_int == 400


def test_update_needs_a_field_and_internal_zone_is_reserved(nova_api):
    agg = _create(nova_api).json['aggregate']
    url = '/os-aggregates/%s' % agg['id']
    assert nova_api.put(url, {'aggregate': {}}).status_int == 400
    resp = nova_api.put(url, {'aggregate': {'availability_zone':
                                            'internal'}})
    assert resp.status_int == 400
    assert _create(nova_api, zone='internal').status_int == 400
    assert nova_api.get('/os-aggregates/abc').status_int == 400
    assert nova_api.get('/os-aggregates/999999').status_int == 404


def test_non_admins_are_refused(nova_api):
    user = nova_api.as_user('demo', uuid.uuid4().hex)
    resp = user.get('/os-aggregates')
    assert resp.status_int == 403
    assert 'os-aggregates:index' in resp.json['forbidden']['message']
    assert _create(user).status_int == 403


def test_hosts_are_mirrored_into_placement(nova_api, placement, reported):
    ctxt = nova_context.get_admin_context()
    agg = _create(nova_api, microversion='2.41').json['aggregate']
    resp = _action(nova_api, agg['id'], 'add_host', {'host': 'compute2'})
    assert resp.status_int == 200, resp.text
    assert resp.json['aggregate']['hosts'] == ['compute2']
    node = _node_uuid('compute2')
    assert agg['uuid'] in placement.get_aggregates(ctxt, node)
    # Adding twice: 409; an unknown host: 404.
    resp = _action(nova_api, agg['id'], 'add_host', {'host': 'compute2'})
    assert resp.status_int == 409
    resp = _action(nova_api, agg['id'], 'add_host', {'host': 'nohost'})
    assert resp.status_int == 404
    assert 'nohost' in resp.json['itemNotFound']['message']
    # A non-empty aggregate cannot be deleted.
    assert nova_api.delete('/os-aggregates/%s' % agg['id']).status_int \
        == 400
    resp = _action(nova_api, agg['id'], 'remove_host', {'host': 'compute2'})
    assert resp.status_int == 200 and resp.json['aggregate']['hosts'] == []
    assert agg['uuid'] not in placement.get_aggregates(ctxt, node)
    resp = _action(nova_api, agg['id'], 'remove_host', {'host': 'compute2'})
    assert resp.status_int == 404
    assert _action(nova_api, 999999, 'add_host',
                   {'host': 'compute2'}).status_int == 404
    assert nova_api.delete('/os-aggregates/%s' % agg['id']).status_int \
        == 200


def test_set_metadata(nova_api):
    agg = _create(nova_api).json['aggregate']
    resp = _action(nova_api, agg['id'], 'set_metadata',
                   {'metadata': {'ssd': 'true', 'color': 'blue'}})
    assert resp.status_int == 200, resp.text
    assert resp.json['aggregate']['metadata'] == {'ssd': 'true',
                                                  'color': 'blue'}
    # null removes a key (and a missing key is fine); the zone is a key.
    resp = _action(nova_api, agg['id'], 'set_metadata', {'metadata': {
        'color': None, 'absent': None, 'availability_zone': 'zz'}})
    body = resp.json['aggregate']
    assert body['metadata'] == {'ssd': 'true', 'availability_zone': 'zz'}
    assert body['availability_zone'] == 'zz'
    for bad in ({'metadata': {'availability_zone': 'a:b'}},
                {'metadata': {'k/x': 'v'}}, {'metadata': {'k': 1}}, {}):
        resp = _action(nova_api, agg['id'], 'set_metadata', bad)
        assert resp.status_int == 400, bad
    assert _action(nova_api, agg['id'], 'frobnicate', {}).status_int == 400


def test_a_host_is_in_one_zone(nova_api):
    first = _create(nova_api, zone='zone-a').json['aggregate']
    second = _create(nova_api, zone='zone-b').json['aggregate']
    plain = _create(nova_api).json['aggregate']
    assert _action(nova_api, first['id'], 'add_host',
                   {'host': 'compute3'}).status_int == 200
    resp = _action(nova_api, second['id'], 'add_host', {'host': 'compute3'})
    assert resp.status_int == 409
    assert 'zone-a' in resp.json['conflictingRequest']['message']
    # An aggregate without a zone takes any host; giving it a zone that
    # contradicts its host's is refused.
    assert _action(nova_api, plain['id'], 'add_host',
                   {'host': 'compute3'}).status_int == 200
    resp = _action(nova_api, plain['id'], 'set_metadata',
                   {'metadata': {'availability_zone': 'zone-b'}})
    assert resp.status_int == 400
    resp = nova_api.put('/os-aggregates/%s' % plain['id'],
                        {'aggregate': {'availability_zone': 'zone-b'}})
    assert resp.status_int == 400
    resp = _action(nova_api, plain['id'], 'set_metadata',
                   {'metadata': {'availability_zone': 'zone-a'}})
    assert resp.status_int == 200
    for agg in (first, plain):
        _action(nova_api, agg['id'], 'remove_host', {'host': 'compute3'})
