"""/servers through the whole stack: what the compute API reference says."""
import urllib.parse
import uuid

import pytest

from tests.functional import conftest

IMAGE = conftest.IMAGE_ID


@pytest.fixture(scope='module')
def flavor(nova_stack):
    return conftest.ApiClient(nova_stack.app).create_flavor(
        name='srv-' + uuid.uuid4().hex[:6], ram=64, disk=1)['id']


def _project_user(nova_api, microversion=None):
    return nova_api.as_user('demo', uuid.uuid4().hex, microversion)


def _boot(client, flavor, name='vm', microversion=None, **server):
    body = {'server': dict({'name': name, 'flavorRef': flavor,
                            'imageRef': IMAGE}, **server)}
    resp = client.post('/servers', body, microversion=microversion)
    assert resp.status_int == 202, resp.text
    return resp


def test_create_answers_202_with_location_and_password(nova_api, flavor):
    user = _project_user(nova_api)
    resp = _boot(user, flavor)
    server = resp.json['server']
    assert set(server) == {'id', 'links', 'OS-DCF:diskConfig', 'adminPass',
                           'security_groups'}
    assert server['security_groups'] == [{'name': 'default'}]
    assert server['OS-DCF:diskConfig'] == 'MANUAL'
    assert len(server['adminPass']) >= 8
    assert resp.headers['Location'] == server['links'][0]['href']
    assert server['links'][0]['href'].endswith('/v2.1/servers/' +
                                               server['id'])
    active = user.wait_for_status(server['id'], 'ACTIVE')
    assert active['OS-EXT-STS:vm_state'] == 'active'
    assert active['OS-EXT-STS:power_state'] == 1
    assert active['hostId'] and active['progress'] == 0
    assert active['OS-SRV-USG:launched_at']
    assert not [k for k in active if k.startswith('OS-EXT-SRV-ATTR')]


def test_show_at_21_and_latest(nova_api, flavor):
    server_id = _boot(nova_api, flavor, name='shown').json['server']['id']
    nova_api.wait_for_status(server_id, 'ACTIVE')
    old = nova_api.get('/servers/%s' % server_id).json['server']
    assert old['flavor']['id'] == flavor
    assert old['flavor']['links'][0]['rel'] == 'bookmark'
    assert old['image']['id'] == IMAGE
    assert old['OS-EXT-SRV-ATTR:host'] in conftest.COMPUTE_HOSTS
    for key in ('locked', 'description', 'tags', 'host_status'):
        assert key not in old
    new = nova_api.get('/servers/%s' % server_id,
                       microversion='latest').json['server']
    assert new['flavor']['ram'] == 64 and 'id' not in new['flavor']
    assert new['flavor']['extra_specs'] == {}
    assert new['host_status'] == 'UP'
    assert new['locked'] is False and new['locked_reason'] is None
    assert new['tags'] == [] and new['server_groups'] == []
    assert new['trusted_image_certificates'] is None
    assert new['OS-EXT-SRV-ATTR:hostname'] == 'shown'
    assert 'properties' in new['image']
    assert 'pinned_availability_zone' in new
    assert isinstance(new['scheduler_hints'], dict)


def test_description_from_219(nova_api, flavor):
    server = _boot(nova_api, flavor, microversion='2.19',
                   description='web').json['server']
    shown = nova_api.get('/servers/%s' % server['id'], microversion='2.19')
    assert shown.json['server']['description'] == 'web'
    resp = nova_api.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE,
        'description': 'web'}}, microversion='2.18')
    assert resp.status_int == 400


def test_networks_required_from_237(nova_api, flavor):
    resp = nova_api.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE}},
        microversion='2.37')
    assert resp.status_int == 400
    assert "'networks' is a required property" in \
        resp.json['badRequest']['message']
    _boot(nova_api, flavor, microversion='2.37', networks='none')
    _boot(nova_api, flavor, microversion='2.37', networks='auto')


@pytest.mark.parametrize('server,words', [
    ({'name': 'x', 'flavorRef': 'no-such-flavor', 'imageRef': IMAGE},
     'Invalid flavorRef provided.'),
    ({'name': 'x', 'imageRef': IMAGE}, "'flavorRef' is a required property"),
    ({'flavorRef': '1', 'imageRef': IMAGE}, "'name' is a required property"),
    ({'name': 'x', 'flavorRef': '1', 'imageRef': 'not-a-uuid'},
     'imageRef'),
    ({'name': 'x', 'flavorRef': '1', 'imageRef': IMAGE, 'min_count': 0},
     'min_count'),
    ({'name': 'x', 'flavorRef': '1', 'imageRef': IMAGE,
      'accessIPv4': '1.2.3'}, 'accessIPv4'),
])
def test_invalid_creates_are_400(nova_api, flavor, server, words):
    server = dict(server)
    if server.get('flavorRef') == '1':
        server['flavorRef'] = flavor
    resp = nova_api.post('/servers', {'server': server})
    assert resp.status_int == 400, resp.text
    assert words in resp.json['badRequest']['message']


def test_unknown_image_is_400(nova_api, flavor):
    resp = nova_api.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor,
        'imageRef': '11111111-2222-4333-8444-555555555555'}})
    assert resp.status_int == 400


def test_multi_create_and_reservation_id(nova_api, flavor):
    user = _project_user(nova_api)
    resp = _boot(user, flavor, name='many', min_count=2, max_count=2,
                 return_reservation_id=True)
    assert set(resp.json) == {'reservation_id'}
    reservation = resp.json['reservation_id']
    listed = user.get('/servers?reservation_id=%s' % reservation).json
    assert sorted(s['name'] for s in listed['servers']) == ['many-1',
                                                           'many-2']
    bad = user.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE,
        'min_count': 3, 'max_count': 2}})
    assert bad.status_int == 400
    assert 'min_count' in bad.json['badRequest']['message']


def test_other_projects_servers_are_404(nova_api, flavor):
    owner = _project_user(nova_api)
    server_id = _boot(owner, flavor).json['server']['id']
    stranger = _project_user(nova_api)
    resp = stranger.get('/servers/%s' % server_id)
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404
    assert stranger.delete('/servers/%s' % server_id).status_int == 404
    assert stranger.get('/servers').json['servers'] == []
    assert owner.get('/servers/%s' % server_id).status_int == 200
    assert nova_api.get('/servers/%s' % server_id).status_int == 200


def test_reader_cannot_create_or_delete(nova_api, flavor):
    project = uuid.uuid4().hex
    member = nova_api.as_user('demo', project)
    server_id = _boot(member, flavor).json['server']['id']
    reader = conftest.ApiClient(nova_api.app, 'viewer:%s' % project)
    headers = {'X-Roles': 'reader'}
    assert reader.get('/servers/%s' % server_id,
                      headers=headers).status_int == 200
    assert reader.delete('/servers/%s' % server_id,
                         headers=headers).status_int == 403
    resp = reader.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE}},
        headers=headers)
    assert resp.status_int == 403


def test_list_pagination_and_links(nova_api, flavor):
    user = _project_user(nova_api)
    ids = [_boot(user, flavor, name='p%d' % i).json['server']['id']
           for i in range(3)]
    everything = user.get('/servers').json
    assert {s['id'] for s in everything['servers']} == set(ids)
    assert 'servers_links' not in everything
    assert set(everything['servers'][0]) == {'id', 'name', 'links'}
    first = user.get('/servers?limit=2').json
    assert len(first['servers']) == 2
    (link,) = first['servers_links']
    assert link['rel'] == 'next' and 'limit=2' in link['href']
    marker = first['servers'][-1]['id']
    assert 'marker=%s' % marker in link['href']
    rest = user.get('/servers?limit=2&marker=%s' % marker).json
    assert len(rest['servers']) == 1 and 'servers_links' not in rest
    assert {s['id'] for s in first['servers'] + rest['servers']} == set(ids)
    detail = user.get('/servers/detail?limit=1').json
    assert '/servers/detail?' in detail['servers_links'][0]['href']
    assert user.get('/servers?marker=%s' % uuid.uuid4()).status_int == 400
    assert user.get('/servers?limit=-1').status_int == 400


def test_sorting(nova_api, flavor):
    user = _project_user(nova_api)
    for name in ('b', 'c', 'a'):
        _boot(user, flavor, name=name)
    names = [s['name'] for s in user.get(
        '/servers?sort_key=display_name&sort_dir=asc').json['servers']]
    assert names == ['a', 'b', 'c']
    names = [s['name'] for s in user.get(
        '/servers?sort_key=display_name&sort_dir=desc').json['servers']]
    assert names == ['c', 'b', 'a']
    assert user.get('/servers?sort_key=nonsense').status_int == 400


def test_all_tenants_is_for_admins(nova_api, flavor):
    user = _project_user(nova_api)
    server_id = _boot(user, flavor).json['server']['id']
    resp = user.get('/servers?all_tenants=1')
    assert resp.status_int == 403
    everyone = nova_api.get('/servers/detail?all_tenants=1').json['servers']
    assert server_id in [s['id'] for s in everyone]
    own = nova_api.get('/servers').json['servers']
    assert server_id not in [s['id'] for s in own]


def test_status_filter(nova_api, flavor):
    user = _project_user(nova_api)
    server_id = _boot(user, flavor).json['server']['id']
    user.wait_for_status(server_id, 'ACTIVE')
    assert [s['id'] for s in user.get('/servers?status=ACTIVE').json[
        'servers']] == [server_id]
    assert user.get('/servers?status=SHUTOFF').json['servers'] == []
    assert user.get('/servers?status=BOGUS',
                    microversion='2.37').json['servers'] == []
    resp = user.get('/servers?status=BOGUS', microversion='2.38')
    assert resp.status_int == 400
    assert 'Invalid status value' in resp.json['badRequest']['message']


def test_filters_no_server_can_match(nova_api, flavor):
    user = _project_user(nova_api, microversion='2.26')
    _boot(user, flavor)
    assert user.get('/servers?tags=web').json['servers'] == []
    assert user.get('/servers?ip=10.0.0.1').json['servers'] == []
    assert len(user.get('/servers?not-tags=web').json['servers']) == 1


def test_unknown_query_parameters(nova_api, flavor):
    user = _project_user(nova_api)
    _boot(user, flavor)
    # Silently dropped for a non-admin up to 2.74, a 400 from 2.75.
    assert len(user.get('/servers?host=anything', microversion='2.74').json[
        'servers']) == 1
    resp = user.get('/servers?bogus=1', microversion='2.75')
    assert resp.status_int == 400
    assert 'bogus' in resp.json['badRequest']['message']


def test_delete_is_204_then_gone(nova_api, flavor):
    user = _project_user(nova_api)
    server_id = _boot(user, flavor).json['server']['id']
    user.wait_for_status(server_id, 'ACTIVE')
    resp = user.delete('/servers/%s' % server_id)
    assert resp.status_int == 204 and resp.body == b''
    user.wait_for_gone(server_id)


def test_error_server_shows_fault_without_details_to_users(nova_api):
    huge = nova_api.create_flavor(ram=10 ** 7)['id']
    user = _project_user(nova_api)
    server_id = _boot(user, huge).json['server']['id']
    shown = user.wait_for_status(server_id, 'ERROR')
    assert shown['fault']['code'] == 500
    assert 'No valid host was found' in shown['fault']['message']
    assert shown['fault']['created']
    assert 'details' not in shown['fault']
    assert 'progress' not in shown


def test_requested_destination_is_for_admins(nova_api, flavor):
    user = _project_user(nova_api, microversion='2.74')
    resp = user.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE,
        'networks': 'none', 'host': 'compute1'}})
    assert resp.status_int == 403
    resp = user.post('/servers', {'server': {
        'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE,
        'networks': 'none', 'availability_zone': 'nova:compute1'}})
    assert resp.status_int == 403


def test_version_headers_on_server_responses(nova_api, flavor):
    resp = nova_api.get('/servers', microversion='2.47')
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.47'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.47'
    assert resp.headers['x-compute-request-id'].startswith('req-')
    resp = nova_api.get('/servers/%s' % uuid.uuid4(), microversion='2.47')
    assert resp.status_int == 404
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.47'


def test_name_filter_is_a_regular_expression(nova_api, flavor):
    user = _project_user(nova_api)
    ids = {name: _boot(user, flavor, name=name).json['server']['id']
           for name in ('rx-alpha', 'rx-beta', 'xrx-gamma', 'a[b')}
    for server_id in ids.values():
        user.wait_for_status(server_id, 'ACTIVE')

    def names(pattern):
        resp = user.get('/servers/detail?' + urllib.parse.urlencode(
            {'name': pattern}))
        assert resp.status_int == 200, resp.text
        return sorted(s['name'] for s in resp.json['servers'])

    assert names('^rx-') == ['rx-alpha', 'rx-beta']
    assert names('rx-') == ['rx-alpha', 'rx-beta', 'xrx-gamma']
    assert names('pha$') == ['rx-alpha']
    # Not a valid expression: matched literally, never a 500.
    assert names('a[b') == ['a[b']
