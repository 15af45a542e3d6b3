"""A server in GET /servers/detail is the body GET /servers/{id} shows.

A list reads only the columns its bodies show (ServerView.fields) and
builds its instances without OVO's coercion; show reads the whole row.
Comparing the two for every microversion that changes the body, as an
admin and as a project member, catches a field the list forgot to read
(it would show null) or a value it built differently. And the number of
statements of a list does not grow with the number of servers.
"""
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from tests.functional import conftest
from tests.functional import statement_count

# Every microversion that changes a server body, and the newest.
VERSIONS = ('2.1', '2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.63',
            '2.71', '2.73', '2.90', '2.96', '2.98', '2.100')


@pytest.fixture(scope='module')
def project(nova_stack):
    """A project with servers in several states: active with metadata and
    a description, stopped, locked with a reason, and one in error (in
    cell0, so the list merges two cells)."""
    admin = conftest.ApiClient(nova_stack.app)
    flavor = admin.create_flavor(ram=64, disk=1)['id']
    huge = admin.create_flavor(ram=10 ** 7)['id']
    project_id = uuid.uuid4().hex
    user = admin.as_user('demo', project_id, '2.19')
    ids = {
        'active': user.create_server(
            flavor, name='active', metadata={'role': 'web'},
            description='the web one', accessIPv4='192.0.2.7')['id'],
        'stopped': user.create_server(flavor, name='stopped')['id'],
        'locked': user.create_server(flavor, name='locked')['id'],
        'error': user.create_server(huge, name='error')['id'],
    }
    for name in ('active', 'stopped', 'locked'):
        user.wait_for_status(ids[name], 'ACTIVE')
    user.wait_for_status(ids['error'], 'ERROR')
    resp = user.post('/servers/%s/action' % ids['stopped'], {'os-stop': None})
    assert resp.status_int == 202, resp.text
    user.wait_for_status(ids['stopped'], 'SHUTOFF')
    _lock(ids['locked'], reason='audit')
    return project_id, ids


def _lock(server_id, reason):
    ctx = nova_context.get_admin_context()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctx, server_id)
    with nova_context.target_cell(ctx, mapping.cell_mapping) as cctxt:
        instance = objects.Instance.get_by_uuid(
            cctxt, server_id, expected_attrs=['system_metadata'])
        instance.locked = True
        instance.locked_by = 'admin'
        instance.system_metadata = dict(instance.system_metadata,
                                        locked_reason=reason)
        instance.save()


def _clients(nova_api, project_id, version):
    member = nova_api.as_user('demo', project_id, version)
    admin = conftest.ApiClient(nova_api.app, microversion=version)
    return ((member, ''),
            (admin, '?all_tenants=1&project_id=%s' % project_id))


@pytest.mark.parametrize('version', VERSIONS)
def test_detail_shows_what_show_shows(nova_api, project, version):
    project_id, ids = project
    for client, query in _clients(nova_api, project_id, version):
        resp = client.get('/servers/detail' + query)
        assert resp.status_int == 200, resp.text
        listed = resp.json['servers']
        assert sorted(s['id'] for s in listed) == sorted(ids.values())
        for server in listed:
            shown = client.get('/servers/%s' % server['id']).json['server']
            shown.pop('server_groups', None)   # show only (2.71)
            assert server == shown


@pytest.mark.parametrize('version', ('2.1', '2.100'))
def test_index_shows_id_name_and_links(nova_api, project, version):
    project_id, ids = project
    for client, query in _clients(nova_api, project_id, version):
        listed = client.get('/servers' + query).json['servers']
        names = {s['id']: s['name'] for s in listed}
        assert names == {server_id: name for name, server_id in ids.items()}
        for server in listed:
            shown = client.get('/servers/%s' % server['id']).json['server']
            assert server == {'id': shown['id'], 'name': shown['name'],
                              'links': shown['links']}


def test_states_show_in_the_list(nova_api, project):
    project_id, ids = project
    user = nova_api.as_user('demo', project_id, '2.73')
    servers = user.get('/servers/detail?sort_key=display_name&'
                       'sort_dir=asc').json['servers']
    # In order across cell0 (the error) and cell1.
    assert [s['name'] for s in servers] == ['active', 'error', 'locked',
                                            'stopped']
    listed = {s['name']: s for s in servers}
    assert listed['active']['metadata'] == {'role': 'web'}
    assert listed['active']['description'] == 'the web one'
    assert listed['active']['accessIPv4'] == '192.0.2.7'
    assert listed['stopped']['status'] == 'SHUTOFF'
    assert listed['locked']['locked'] is True
    assert listed['locked']['locked_reason'] == 'audit'
    assert listed['error']['fault']['code'] == 500
    assert 'details' not in listed['error']['fault']


def _statements_of_a_list(client, path):
    client.get(path, microversion='2.100')   # caches warm (cell mappings)
    with statement_count.StatementCount() as statements:
        assert client.get(path, microversion='2.100').status_int == 200
    return statements.count


def _project_with(nova_api, flavor, count):
    user = nova_api.as_user('demo', uuid.uuid4().hex, '2.19')
    ids = [user.create_server(flavor, name='s%d' % i, metadata={'k': 'v'})[
        'id'] for i in range(count)]
    for server_id in ids:
        user.wait_for_status(server_id, 'ACTIVE')
    return user


def test_statements_do_not_grow_with_servers(nova_api):
    flavor = nova_api.create_flavor(ram=64, disk=1)['id']
    one, four = (_project_with(nova_api, flavor, n) for n in (1, 4))
    for path in ('/servers/detail', '/servers'):
        assert _statements_of_a_list(one, path) == \
            _statements_of_a_list(four, path)
