"""/os-server-groups and the ``group`` scheduler hint, through the stack.

Three fake computes: anti-affinity spreads servers over them and refuses
a fourth with a NoValidHost that says why; affinity packs them.
"""
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from tests.functional.conftest import ApiClient
from tests.functional.conftest import IMAGE_ID


def _user(nova_api, project=None, **kw):
    return nova_api.as_user('demo', project or uuid.uuid4().hex, **kw)


def _create(api, name='g', microversion=None, **group):
    if 'policy' not in group:
        group.setdefault('policies', ['anti-affinity'])
    return api.post('/os-server-groups',
                    {'server_group': dict(group, name=name)},
                    microversion=microversion)


def _boot(api, flavor_id, group_id, name='vm', **extra):
    body = {'server': dict({'name': name, 'flavorRef': flavor_id,
                            'imageRef': IMAGE_ID}, **extra),
            'os:scheduler_hints': {'group': group_id}}
    resp = api.post('/servers', body)
    assert resp.status_int == 202, resp.text
    return resp.json['server']['id']


def _host(nova_api, server_id):
    server = nova_api.get('/servers/%s' % server_id).json['server']
    return server['OS-EXT-SRV-ATTR:host']


@pytest.fixture(scope='module')
def flavor(nova_stack):
    return ApiClient(nova_stack.app).create_flavor()['id']


# -- the REST contract ------------------------------------------------------

def test_create_show_list_delete_v21(nova_api):
    user = _user(nova_api)
    resp = _create(user, name='web')
    assert resp.status_int == 200, resp.text
    group = resp.json['server_group']
    assert group == {'id': group['id'], 'name': 'web', 'members': [],
                     'policies': ['anti-affinity'], 'metadata': {}}
    assert user.get('/os-server-groups/%s' % group['id']).json == \
        {'server_group': group}
    listed = user.get('/os-server-groups').json['server_groups']
    assert listed == [group]
    assert user.delete('/os-server-groups/%s' % group['id']).status_int == 204
    resp = user.get('/os-server-groups/%s' % group['id'])
    assert resp.status_int == 404
    assert 'could not be found' in resp.json['itemNotFound']['message']


def test_project_and_user_ids_from_2_13(nova_api):
    project = uuid.uuid4().hex
    user = _user(nova_api, project, microversion='2.13')
    group = _create(user).json['server_group']
    assert group['project_id'] == project and group['user_id'] == 'demo'


def test_soft_policies_need_2_15(nova_api):
    user = _user(nova_api)
    resp = _create(user, policies=['soft-affinity'])
    assert resp.status_int == 400
    resp = _create(user, policies=['soft-anti-affinity'],
                   microversion='2.15')
    assert resp.status_int == 200
    assert resp.json['server_group']['policies'] == ['soft-anti-affinity']


def test_policy_and_rules_from_2_64(nova_api):
    user = _user(nova_api, microversion='2.64')
    resp = _create(user, policy='anti-affinity',
                   rules={'max_server_per_host': 2})
    assert resp.status_int == 200, resp.text
    group = resp.json['server_group']
    assert group['policy'] == 'anti-affinity'
    assert group['rules'] == {'max_server_per_host': 2}
    assert 'policies' not in group and 'metadata' not in group
    shown = user.get('/os-server-groups/%s' % group['id']).json
    assert shown['server_group']['rules'] == {'max_server_per_host': 2}
    resp = _create(user, policy='affinity')
    assert resp.json['server_group']['rules'] == {}
    # The list of policies is gone at 2.64, and older versions know no
    # policy/rules.
    assert _create(user, policies=['affinity']).status_int == 400
    assert _create(user, policy='affinity', microversion='2.63') \
        .status_int == 400


@pytest.mark.parametrize('group,needle', [
    ({'policy': 'affinity', 'rules': {'max_server_per_host': 2}},
     'Only anti-affinity policy supports rules.'),
    ({'policy': 'anti-affinity', 'rules': {'max_server_per_host': 0}},
     'max_server_per_host'),
    ({'policy': 'anti-affinity', 'rules': {'other': 1}}, 'other'),
    ({'policy': 'spread'}, 'policy'),
])
def test_bad_2_64_bodies(nova_api, group, needle):
    resp = _create(_user(nova_api), microversion='2.64', **group)
    assert resp.status_int == 400
    assert needle in resp.json['badRequest']['message']


@pytest.mark.parametrize('body', [
    {'server_group': {'name': ' lead', 'policies': ['affinity']}},
    {'server_group': {'name': '', 'policies': ['affinity']}},
    {'server_group': {'policies': ['affinity']}},
    {'server_group': {'name': 'x', 'policies': []}},
    {'server_group': {'name': 'x', 'policies': ['affinity',
                                                'anti-affinity']}},
    {'server_group': {'name': 'x', 'policies': ['affinity'], 'extra': 1}},
    {'group': {'name': 'x'}},
])
def test_invalid_bodies_are_400(nova_api, body):
    resp = _user(nova_api).post('/os-server-groups', body)
    assert resp.status_int == 400, resp.text


def test_projects_are_separate_and_admins_see_all(nova_api):
    alice, bob = _user(nova_api), _user(nova_api)
    group = _create(alice, name='mine').json['server_group']
    assert bob.get('/os-server-groups').json['server_groups'] == []
    assert bob.get('/os-server-groups/%s' % group['id']).status_int == 403
    assert bob.delete('/os-server-groups/%s' % group['id']).status_int == 403
    # all_projects is an admin's option; others just see their own.
    assert bob.get('/os-server-groups?all_projects=True').json[
        'server_groups'] == []
    everyone = nova_api.get('/os-server-groups?all_projects=True').json
    assert group['id'] in [g['id'] for g in everyone['server_groups']]
    own = nova_api.get('/os-server-groups').json['server_groups']
    assert group['id'] not in [g['id'] for g in own]
    assert nova_api.get('/os-server-groups/%s' % group['id']).status_int \
        == 200


def test_limit_and_offset(nova_api):
    user = _user(nova_api)
    ids = [_create(user, name='g%d' % i).json['server_group']['id']
           for i in range(4)]
    page = user.get('/os-server-groups?limit=2&offset=1').json
    assert [g['id'] for g in page['server_groups']] == ids[1:3]
    assert user.get('/os-server-groups?limit=x').status_int == 400
    # Unknown parameters are refused from 2.75.
    assert user.get('/os-server-groups?foo=1').status_int == 200
    assert user.get('/os-server-groups?foo=1',
                    microversion='2.75').status_int == 400


def test_unknown_group_hint_is_400(nova_api, flavor):
    resp = nova_api.post('/servers', {
        'server': {'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE_ID},
        'os:scheduler_hints': {'group': str(uuid.uuid4())}})
    assert resp.status_int == 400
    assert 'server group' in resp.json['badRequest']['message']
    resp = nova_api.post('/servers', {
        'server': {'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE_ID},
        'os:scheduler_hints': {'group': 'not-a-uuid'}})
    assert resp.status_int == 400


def test_another_projects_group_cannot_be_joined(nova_api, flavor):
    group = _create(_user(nova_api)).json['server_group']
    resp = _user(nova_api).post('/servers', {
        'server': {'name': 'x', 'flavorRef': flavor, 'imageRef': IMAGE_ID},
        'os:scheduler_hints': {'group': group['id']}})
    assert resp.status_int == 400


# -- scheduling -------------------------------------------------------------

def test_group_hint_records_member_and_request_spec(nova_api, flavor):
    group = _create(nova_api, microversion='2.64', policy='anti-affinity',
                    rules={'max_server_per_host': 2}).json['server_group']
    server_id = _boot(nova_api, flavor, group['id'])
    shown = nova_api.get('/os-server-groups/%s' % group['id']).json
    assert shown['server_group']['members'] == [server_id]
    spec = objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), server_id)
    assert spec.scheduler_hints == {'group': [group['id']]}
    assert spec.instance_group.uuid == group['id']
    assert spec.instance_group.policy == 'anti-affinity'
    assert spec.instance_group.rules == {'max_server_per_host': '2'}
    assert server_id in spec.instance_group.members
    server = nova_api.wait_for_status(server_id, 'ACTIVE')
    assert 'server_groups' not in server
    server = nova_api.get('/servers/%s' % server_id,
                          microversion='2.71').json['server']
    assert server['server_groups'] == [group['id']]
    # A deleted server leaves the group's member list (once its compute
    # has removed it: until then it still holds its place on the host).
    assert nova_api.delete('/servers/%s' % server_id).status_int == 204
    nova_api.wait_for_gone(server_id)
    shown = nova_api.get('/os-server-groups/%s' % group['id']).json
    assert shown['server_group']['members'] == []


def _delete_all(nova_api, server_ids):
    for server_id in server_ids:
        nova_api.delete('/servers/%s' % server_id)
    for server_id in server_ids:
        nova_api.wait_for_gone(server_id)


def test_anti_affinity_spreads_then_refuses_a_fourth(nova_api, flavor):
    group = _create(nova_api, policies=['anti-affinity']).json[
        'server_group']
    servers = []
    for index in range(3):
        servers.append(_boot(nova_api, flavor, group['id'],
                             name='aa%d' % index))
        nova_api.wait_for_status(servers[-1], 'ACTIVE')
    assert sorted(_host(nova_api, s) for s in servers) == \
        ['compute1', 'compute2', 'compute3']
    fourth = _boot(nova_api, flavor, group['id'], name='aa4')
    server = nova_api.wait_for_status(fourth, 'ERROR')
    assert 'No valid host' in server['fault']['message']
    assert 'anti-affinity' in server['fault']['message'].lower()
    _delete_all(nova_api, servers + [fourth])


def test_anti_affinity_multi_create_spreads(nova_api, flavor):
    group = _create(nova_api, policies=['anti-affinity']).json[
        'server_group']
    resp = nova_api.post('/servers', {
        'server': {'name': 'multi', 'flavorRef': flavor,
                   'imageRef': IMAGE_ID, 'min_count': 3},
        'os:scheduler_hints': {'group': group['id']}})
    assert resp.status_int == 202, resp.text
    members = nova_api.get('/os-server-groups/%s' % group['id']).json[
        'server_group']['members']
    assert len(members) == 3
    for server_id in members:
        nova_api.wait_for_status(server_id, 'ACTIVE')
    assert len({_host(nova_api, s) for s in members}) == 3
    _delete_all(nova_api, members)


def test_affinity_packs(nova_api, flavor):
    group = _create(nova_api, policies=['affinity']).json['server_group']
    servers = []
    for index in range(3):
        servers.append(_boot(nova_api, flavor, group['id'],
                             name='af%d' % index))
        nova_api.wait_for_status(servers[-1], 'ACTIVE')
    assert len({_host(nova_api, s) for s in servers}) == 1
    _delete_all(nova_api, servers)


def test_max_server_per_host_rule(nova_api, flavor):
    group = _create(nova_api, microversion='2.64', policy='anti-affinity',
                    rules={'max_server_per_host': 2}).json['server_group']
    resp = nova_api.post('/servers', {
        'server': {'name': 'two', 'flavorRef': flavor,
                   'imageRef': IMAGE_ID, 'min_count': 6},
        'os:scheduler_hints': {'group': group['id']}})
    assert resp.status_int == 202, resp.text
    members = nova_api.get('/os-server-groups/%s' % group['id']).json[
        'server_group']['members']
    for server_id in members:
        nova_api.wait_for_status(server_id, 'ACTIVE')
    hosts = [_host(nova_api, s) for s in members]
    assert sorted(hosts.count(h) for h in set(hosts)) == [2, 2, 2]
    seventh = _boot(nova_api, flavor, group['id'], name='seventh')
    nova_api.wait_for_status(seventh, 'ERROR')
    _delete_all(nova_api, members + [seventh])


def test_soft_anti_affinity_spreads_but_never_refuses(nova_api, flavor):
    group = _create(nova_api, microversion='2.15',
                    policies=['soft-anti-affinity']).json['server_group']
    servers = []
    for index in range(4):
        servers.append(_boot(nova_api, flavor, group['id'],
                             name='soft%d' % index))
        nova_api.wait_for_status(servers[-1], 'ACTIVE')
    hosts = [_host(nova_api, s) for s in servers]
    assert len(set(hosts[:3])) == 3
    _delete_all(nova_api, servers)
