"""/flavors through the whole stack: what the compute API reference says."""
import uuid

import pytest


def _name():
    return 'fl-' + uuid.uuid4().hex[:8]


def _user(nova_api, project=None, **kw):
    return nova_api.as_user('demo', project or uuid.uuid4().hex, **kw)


def test_create_show_delete(nova_api):
    name = _name()
    resp = nova_api.post('/flavors', {'flavor': {
        'name': name, 'ram': 512, 'vcpus': 2, 'disk': 10, 'swap': 256,
        'OS-FLV-EXT-DATA:ephemeral': 5, 'rxtx_factor': 2.0}})
    assert resp.status_int == 200, resp.text
    flavor = resp.json['flavor']
    assert flavor['name'] == name and flavor['ram'] == 512
    assert flavor['vcpus'] == 2 and flavor['disk'] == 10
    assert flavor['swap'] == 256 and flavor['rxtx_factor'] == 2.0
    assert flavor['OS-FLV-EXT-DATA:ephemeral'] == 5
    assert flavor['os-flavor-access:is_public'] is True
    assert flavor['OS-FLV-DISABLED:disabled'] is False
    assert [link['rel'] for link in flavor['links']] == ['self', 'bookmark']
    assert flavor['links'][0]['href'].endswith('/v2.1/flavors/' +
                                               flavor['id'])
    shown = _user(nova_api).get('/flavors/%s' % flavor['id'])
    assert shown.status_int == 200 and shown.json['flavor'] == flavor
    assert nova_api.delete('/flavors/%s' % flavor['id']).status_int == 202
    resp = nova_api.get('/flavors/%s' % flavor['id'])
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404


def test_create_with_given_id_and_zero_swap_shows_empty_string(nova_api):
    flavor_id = 'id-' + uuid.uuid4().hex[:6]
    flavor = nova_api.create_flavor(id=flavor_id)
    assert flavor['id'] == flavor_id and flavor['swap'] == ''
    shown = nova_api.get('/flavors/%s' % flavor_id, microversion='2.75')
    assert shown.json['flavor']['swap'] == 0


def test_non_admin_cannot_manage_flavors(nova_api):
    user = _user(nova_api)
    resp = user.post('/flavors', {'flavor': {'name': _name(), 'ram': 1,
                                             'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 403
    assert 'os-flavor-manage:create' in resp.json['forbidden']['message']
    flavor = nova_api.create_flavor()
    assert user.delete('/flavors/%s' % flavor['id']).status_int == 403


def test_duplicates_conflict(nova_api):
    flavor = nova_api.create_flavor()
    resp = nova_api.post('/flavors', {'flavor': {
        'name': flavor['name'], 'ram': 1, 'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['code'] == 409
    resp = nova_api.post('/flavors', {'flavor': {
        'name': _name(), 'id': flavor['id'], 'ram': 1, 'vcpus': 1,
        'disk': 1}})
    assert resp.status_int == 409


@pytest.mark.parametrize('flavor,field', [
    ({'ram': 'x', 'vcpus': 1, 'disk': 1}, 'ram'),
    ({'ram': 0, 'vcpus': 1, 'disk': 1}, 'ram'),
    ({'ram': 1, 'vcpus': -1, 'disk': 1}, 'vcpus'),
    ({'ram': 1, 'vcpus': 1, 'disk': 1, 'swap': 'big'}, 'swap'),
    ({'ram': 1, 'vcpus': 1, 'disk': 1, 'rxtx_factor': 0}, 'rxtx_factor'),
])
def test_invalid_create_bodies_say_what_is_wrong(nova_api, flavor, field):
    flavor['name'] = _name()
    resp = nova_api.post('/flavors', {'flavor': flavor})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'].startswith(
        'Invalid input for field/attribute %s. Value:' % field)


def test_list_detail_and_pagination(nova_api):
    created = sorted(nova_api.create_flavor(name=_name(), ram=64 + i)['id']
                     for i in range(3))
    resp = nova_api.get('/flavors')
    assert resp.status_int == 200
    listed = resp.json['flavors']
    assert {'id', 'name', 'links'} == set(listed[0])
    ids = [f['id'] for f in listed]
    assert set(created) <= set(ids) and ids == sorted(ids)
    detail = nova_api.get('/flavors/detail').json['flavors']
    assert {'ram', 'vcpus', 'disk', 'swap'} <= set(detail[0])

    page = nova_api.get('/flavors?limit=1')
    assert len(page.json['flavors']) == 1
    (link,) = page.json['flavors_links']
    assert link['rel'] == 'next'
    assert 'limit=1' in link['href']
    assert 'marker=%s' % ids[0] in link['href']
    second = nova_api.get('/flavors?limit=1&marker=%s' % ids[0])
    assert second.json['flavors'][0]['id'] == ids[1]
    whole = nova_api.get('/flavors?limit=%d' % (len(ids) + 5))
    assert 'flavors_links' not in whole.json
    detail_page = nova_api.get('/flavors/detail?limit=1').json
    assert '/flavors/detail?' in detail_page['flavors_links'][0]['href']


def test_list_filters_and_sorting(nova_api):
    big = nova_api.create_flavor(ram=99999, disk=900)
    found = nova_api.get('/flavors?minRam=99999').json['flavors']
    assert big['id'] in [f['id'] for f in found]
    found = nova_api.get('/flavors?minDisk=901').json['flavors']
    assert big['id'] not in [f['id'] for f in found]
    resp = nova_api.get('/flavors?minRam=lots')
    assert resp.status_int == 400
    assert 'Invalid minRam filter' in resp.json['badRequest']['message']
    flavors = nova_api.get('/flavors/detail?sort_key=memory_mb&sort_dir='
                           'desc').json['flavors']
    assert [f['ram'] for f in flavors] == sorted(
        (f['ram'] for f in flavors), reverse=True)
    assert nova_api.get('/flavors?sort_key=bogus').status_int == 400
    resp = nova_api.get('/flavors?marker=no-such-flavor')
    assert resp.status_int == 400


def test_unknown_query_parameters_rejected_from_275(nova_api):
    assert nova_api.get('/flavors?foo=1', microversion='2.74').status_int \
        == 200
    resp = nova_api.get('/flavors?foo=1', microversion='2.75')
    assert resp.status_int == 400
    assert 'foo' in resp.json['badRequest']['message']


def test_private_flavor_access(nova_api):
    project = uuid.uuid4().hex
    user = _user(nova_api, project)
    flavor = nova_api.create_flavor(**{'os-flavor-access:is_public': False})
    path = '/flavors/%s' % flavor['id']
    assert user.get(path).status_int == 404
    assert flavor['id'] not in [f['id'] for f in
                                user.get('/flavors').json['flavors']]
    assert nova_api.get(path + '/os-flavor-access').json == {
        'flavor_access': []}
    resp = nova_api.post(path + '/action',
                         {'addTenantAccess': {'tenant': project}})
    assert resp.status_int == 200
    assert resp.json == {'flavor_access': [
        {'flavor_id': flavor['id'], 'tenant_id': project}]}
    assert user.get(path).status_int == 200
    assert flavor['id'] in [f['id'] for f in
                            user.get('/flavors').json['flavors']]
    again = nova_api.post(path + '/action',
                          {'addTenantAccess': {'tenant': project}})
    assert again.status_int == 409
    assert user.get(path + '/os-flavor-access').status_int == 403
    resp = nova_api.post(path + '/action',
                         {'removeTenantAccess': {'tenant': project}})
    assert resp.status_int == 200 and resp.json == {'flavor_access': []}
    assert user.get(path).status_int == 404
    missing = nova_api.post(path + '/action',
                            {'removeTenantAccess': {'tenant': project}})
    assert missing.status_int == 404
    resp = nova_api.post(path + '/action', {'dance': {}})
    assert resp.status_int == 400
    assert 'no such action' in resp.json['badRequest']['message']


def test_public_flavor_access(nova_api):
    flavor = nova_api.create_flavor()
    path = '/flavors/%s' % flavor['id']
    assert nova_api.get(path + '/os-flavor-access').status_int == 404
    resp = nova_api.post(path + '/action',
                         {'addTenantAccess': {'tenant': 'p'}},
                         microversion='2.7')
    assert resp.status_int == 409


def test_description_from_255(nova_api):
    flavor = nova_api.post('/flavors', {'flavor': {
        'name': _name(), 'ram': 1, 'vcpus': 1, 'disk': 1,
        'description': 'tiny'}}, microversion='2.55')
    assert flavor.status_int == 200, flavor.text
    flavor = flavor.json['flavor']
    assert flavor['description'] == 'tiny'
    path = '/flavors/%s' % flavor['id']
    assert nova_api.get('/flavors', microversion='2.55').json[
        'flavors'][0].keys() >= {'description'}
    resp = nova_api.put(path, {'flavor': {'description': 'smaller'}},
                        microversion='2.55')
    assert resp.status_int == 200
    assert resp.json['flavor']['description'] == 'smaller'
    assert nova_api.put(path, {'flavor': {'description': 'x'}},
                        microversion='2.54').status_int == 404
    assert _user(nova_api).put(path, {'flavor': {'description': 'x'}},
                               microversion='2.55').status_int == 403
    assert 'description' not in nova_api.get(path).json['flavor']


def test_extra_specs(nova_api):
    flavor = nova_api.create_flavor()
    path = '/flavors/%s/os-extra_specs' % flavor['id']
    assert nova_api.get(path).json == {'extra_specs': {}}
    resp = nova_api.post(path, {'extra_specs': {'hw:cpu_policy': 'shared',
                                                'vendor:x': 1}})
    assert resp.status_int == 200
    assert resp.json == {'extra_specs': {'hw:cpu_policy': 'shared',
                                         'vendor:x': '1'}}
    user = _user(nova_api)
    assert user.get(path).json['extra_specs']['vendor:x'] == '1'
    assert user.get(path + '/vendor:x').json == {'vendor:x': '1'}
    assert user.post(path, {'extra_specs': {'a': 'b'}}).status_int == 403
    resp = nova_api.put(path + '/vendor:x', {'vendor:x': 'two'})
    assert resp.status_int == 200 and resp.json == {'vendor:x': 'two'}
    resp = nova_api.put(path + '/vendor:x', {'vendor:y': 'two'})
    assert resp.status_int == 400
    assert 'mismatch' in resp.json['badRequest']['message']
    resp = nova_api.put(path + '/vendor:x', {'vendor:x': '1', 'b': '2'})
    assert resp.status_int == 400
    assert nova_api.delete(path + '/vendor:x').status_int == 202
    assert nova_api.get(path + '/vendor:x').status_int == 404
    assert nova_api.delete(path + '/vendor:x').status_int == 404
    shown = nova_api.get('/flavors/%s' % flavor['id'], microversion='2.61')
    assert shown.json['flavor']['extra_specs'] == {'hw:cpu_policy': 'shared'}
    assert 'extra_specs' not in nova_api.get(
        '/flavors/%s' % flavor['id'], microversion='2.60').json['flavor']


def test_known_extra_specs_validated_from_286(nova_api):
    flavor = nova_api.create_flavor()
    path = '/flavors/%s/os-extra_specs' % flavor['id']
    bad = {'extra_specs': {'hw:cpu_policy': 'sometimes'}}
    assert nova_api.post(path, bad, microversion='2.85').status_int == 200
    resp = nova_api.post(path, bad, microversion='2.86')
    assert resp.status_int == 400
    assert 'hw:cpu_policy' in resp.json['badRequest']['message']
    resp = nova_api.post(path, {'extra_specs': {'hw:bogus': '1'}},
                         microversion='2.86')
    assert resp.status_int == 400
    assert nova_api.post(path, {'extra_specs': {
        'resources:VCPU': '2', 'trait:HW_CPU_X86_AVX2': 'required',
        'mine:anything': 'ok'}}, microversion='2.86').status_int == 200


def test_microversion_headers_and_406(nova_api):
    resp = nova_api.get('/flavors', microversion='2.61')
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.61'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.61'
    resp = nova_api.get('/flavors', microversion='2.101')
    assert resp.status_int == 406
    assert resp.json['computeFault']['code'] == 406
    latest = nova_api.get('/flavors', microversion='latest')
    assert latest.headers['OpenStack-API-Version'] == 'compute 2.100'
