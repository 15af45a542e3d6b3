"""/os-availability-zone and zones at server create, through the stack.

compute1 goes into zone "az1" (an aggregate); compute2 and compute3 stay
in the default zone "nova".
"""
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from tests.functional.conftest import ApiClient
from tests.functional.conftest import IMAGE_ID


def _zones(resp):
    return {z['zoneName']: z for z in resp.json['availabilityZoneInfo']}


@pytest.fixture(scope='module')
def az1(nova_stack):
    """An aggregate making compute1 the zone az1 (module-wide)."""
    api = ApiClient(nova_stack.app)
    agg = api.post('/os-aggregates', {'aggregate': {
        'name': 'zone1', 'availability_zone': 'az1'}}).json['aggregate']
    resp = api.post('/os-aggregates/%s/action' % agg['id'],
                    {'add_host': {'host': 'compute1'}})
    assert resp.status_int == 200, resp.text
    return agg


@pytest.fixture(scope='module')
def flavor_id(nova_stack):
    return ApiClient(nova_stack.app).create_flavor()['id']


def test_default_zone_only_before_any_aggregate(nova_api):
    resp = nova_api.as_user('demo', uuid.uuid4().hex).get(
        '/os-availability-zone')
    assert resp.status_int == 200
    assert resp.json == {'availabilityZoneInfo': [
        {'zoneName': 'nova', 'zoneState': {'available': True},
         'hosts': None}]}


def test_tenant_view_lists_zones_without_hosts(nova_api, az1):
    resp = nova_api.as_user('demo', uuid.uuid4().hex).get(
        '/os-availability-zone')
    zones = _zones(resp)
    assert set(zones) == {'az1', 'nova'}   # never the internal zone
    assert all(z['hosts'] is None and z['zoneState'] == {'available': True}
               for z in zones.values())


def test_detail_is_for_admins_and_lists_services(nova_api, az1):
    user = nova_api.as_user('demo', uuid.uuid4().hex)
    resp = user.get('/os-availability-zone/detail')
    assert resp.status_int == 403
    zones = _zones(nova_api.get('/os-availability-zone/detail'))
    assert set(zones) == {'az1', 'nova', 'internal'}
    assert set(zones['az1']['hosts']) == {'compute1'}
    assert set(zones['nova']['hosts']) == {'compute2', 'compute3'}
    service = zones['az1']['hosts']['compute1']['nova-compute']
    assert service['available'] is True and service['active'] is True
    assert service['updated_at']
    internal = {binary for host in zones['internal']['hosts'].values()
                for binary in host}
    assert {'nova-conductor', 'nova-scheduler'} <= internal


def _boot(api, flavor_id, zone=None, **kw):
    server = {'name': 'z', 'flavorRef': flavor_id, 'imageRef': IMAGE_ID}
    if zone is not None:
        server['availability_zone'] = zone
    return api.post('/servers', {'server': server}, **kw)


def test_a_zone_request_lands_only_in_that_zone(nova_api, az1, flavor_id):
    ids = []
    for _ in range(3):
        resp = _boot(nova_api, flavor_id, 'az1')
        assert resp.status_int == 202, resp.text
        ids.append(resp.json['server']['id'])
    for server_id in ids:
        server = nova_api.wait_for_status(server_id, 'ACTIVE')
        assert server['OS-EXT-SRV-ATTR:host'] == 'compute1'
        assert server['OS-EXT-AZ:availability_zone'] == 'az1'
    pinned = nova_api.get('/servers/%s' % ids[0], microversion='2.96')
    assert pinned.json['server']['pinned_availability_zone'] == 'az1'
    spec = objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), ids[0])
    assert spec.availability_zone == 'az1'
    resp = _boot(nova_api, flavor_id, 'nova')
    server = nova_api.wait_for_status(resp.json['server']['id'], 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] in ('compute2', 'compute3')
    for server_id in ids + [server['id']]:
        nova_api.delete('/servers/%s' % server_id)


def test_no_zone_shows_the_hosts_zone(nova_api, az1, flavor_id):
    resp = _boot(nova_api, flavor_id)
    server = nova_api.wait_for_status(resp.json['server']['id'], 'ACTIVE')
    expected = 'az1' if server['OS-EXT-SRV-ATTR:host'] == 'compute1' \
        else 'nova'
    assert server['OS-EXT-AZ:availability_zone'] == expected
    pinned = nova_api.get('/servers/%s' % server['id'], microversion='2.96')
    assert pinned.json['server']['pinned_availability_zone'] is None
    nova_api.delete('/servers/%s' % server['id'])


@pytest.mark.parametrize('zone', ['nowhere', 'internal'])
def test_unknown_zone_is_400(nova_api, az1, flavor_id, zone):
    resp = _boot(nova_api, flavor_id, zone)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'The requested availability zone is not available'


def test_zone_host_form_is_for_admins(nova_api, az1, flavor_id):
    user = nova_api.as_user('demo', uuid.uuid4().hex)
    assert _boot(user, flavor_id, 'nova:compute3').status_int == 403
    resp = _boot(nova_api, flavor_id, 'nova:compute3')
    assert resp.status_int == 202, resp.text
    server = nova_api.wait_for_status(resp.json['server']['id'], 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute3'
    assert server['OS-EXT-AZ:availability_zone'] == 'nova'
    nova_api.delete('/servers/%s' % server['id'])


def test_zone_of_hosts_with_servers_cannot_change(nova_api, az1, flavor_id):
    resp = _boot(nova_api, flavor_id, 'az1')
    server = nova_api.wait_for_status(resp.json['server']['id'], 'ACTIVE')
    url = '/os-aggregates/%s' % az1['id']
    resp = nova_api.put(url, {'aggregate': {'availability_zone': 'az2'}})
    assert resp.status_int == 400
    assert 'contain instances' in resp.json['badRequest']['message']
    resp = nova_api.post(url + '/action', {'set_metadata': {
        'metadata': {'availability_zone': None}}})
    assert resp.status_int == 400
    # Renaming alone is fine, and so is the same zone again.
    resp = nova_api.put(url, {'aggregate': {'name': 'zone1-renamed',
                                            'availability_zone': 'az1'}})
    assert resp.status_int == 200, resp.text
    nova_api.delete('/servers/%s' % server['id'])
    nova_api.wait_for_gone(server['id'])
    resp = nova_api.put(url, {'aggregate': {'availability_zone': 'az2'}})
    assert resp.status_int == 200, resp.text
    assert resp.json['aggregate']['availability_zone'] == 'az2'
