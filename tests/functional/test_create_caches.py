"""The flavor and image caches of POST /servers, through the REST API.

A create reads its flavor (``[api] flavor_cache_seconds``) and image
(``[image] metadata_cache_seconds``) through short TTL caches: a change
made through this process is seen by the very next create, who may use a
private flavor or image is checked on every create, and 0 turns the
cache off (a change made behind the process's back is then seen at once).
"""
import uuid

import pytest
import sqlalchemy as sa

from nova import context as nova_context
from nova.db.api import models as api_models
from nova.db import engines
from nova.image.store import records
from tests.functional import conftest
from tests.functional.test_image_api import ImageClient


@pytest.fixture
def servers(nova_api):
    """Ids of servers a test created, deleted when it ends."""
    created = []
    yield created
    for server_id in created:
        nova_api.delete('/servers/%s' % server_id)


def _project():
    return 'p-cache-%s' % uuid.uuid4().hex[:8]


def _create(client, flavor_id, image=conftest.IMAGE_ID, servers=None):
    """POST /servers; the response (the server's id kept in servers)."""
    resp = client.post('/servers', {'server': {
        'name': 'cache', 'flavorRef': flavor_id, 'imageRef': image}})
    if resp.status_int == 202 and servers is not None:
        servers.append(resp.json['server']['id'])
    return resp


def _images(nova_stack, project=None):
    images = ImageClient(nova_stack.app)
    return images.as_user('owner', project) if project else images


def _override(nova_stack, name, value, group):
    nova_stack.conf.set_override(name, value, group=group)
    return lambda: nova_stack.conf.clear_override(name, group=group)


# -- flavors -----------------------------------------------------------------

def test_a_flavor_deleted_through_the_api_is_refused_at_once(
        nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    assert _create(nova_api, flavor, servers=servers).status_int == 202
    assert nova_api.delete('/flavors/%s' % flavor).status_int == 202
    resp = _create(nova_api, flavor, servers=servers)
    assert resp.status_int == 400, resp.text
    assert 'flavorRef' in resp.json['badRequest']['message']


def test_a_private_flavor_cached_for_one_project_is_refused_to_another(
        nova_api, servers):
    flavor = nova_api.create_flavor(**{'os-flavor-access:is_public': False})
    path = '/flavors/%s/action' % flavor['id']
    owner, stranger = _project(), _project()
    assert nova_api.post(path, {'addTenantAccess': {
        'tenant': owner}}).status_int == 200
    member = nova_api.as_user('alice', owner)
    assert _create(member, flavor['id'], servers=servers).status_int == 202
    resp = _create(nova_api.as_user('bob', stranger), flavor['id'],
                   servers=servers)
    assert resp.status_int == 400, resp.text


def test_removing_a_projects_access_refuses_its_next_create(
        nova_api, servers):
    flavor = nova_api.create_flavor(**{'os-flavor-access:is_public': False})
    path = '/flavors/%s/action' % flavor['id']
    project = _project()
    member = nova_api.as_user('alice', project)
    nova_api.post(path, {'addTenantAccess': {'tenant': project}})
    assert _create(member, flavor['id'], servers=servers).status_int == 202
    assert nova_api.post(path, {'removeTenantAccess': {
        'tenant': project}}).status_int == 200
    resp = _create(member, flavor['id'], servers=servers)
    assert resp.status_int == 400, resp.text


def test_access_granted_through_the_api_is_seen_by_the_next_create(
        nova_api, servers):
    flavor = nova_api.create_flavor(**{'os-flavor-access:is_public': False})
    project = _project()
    member = nova_api.as_user('alice', project)
    assert _create(nova_api, flavor['id'], servers=servers
                   ).status_int == 202  # cached, through the admin
    assert _create(member, flavor['id'], servers=servers).status_int == 400
    nova_api.post('/flavors/%s/action' % flavor['id'],
                  {'addTenantAccess': {'tenant': project}})
    assert _create(member, flavor['id'], servers=servers).status_int == 202


def _server_extra_specs(nova_api, server_id):
    server = nova_api.get('/servers/%s' % server_id,
                          microversion='2.47').json['server']
    return server['flavor']['extra_specs']


def test_extra_specs_changed_through_the_api_reach_the_next_server(
        nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    specs = '/flavors/%s/os-extra_specs' % flavor
    nova_api.post(specs, {'extra_specs': {'test:color': 'red'}})
    first = _create(nova_api, flavor, servers=servers).json['server']['id']
    assert nova_api.put(specs + '/test:color', {'test:color': 'blue'}
                        ).status_int == 200
    second = _create(nova_api, flavor, servers=servers).json['server']['id']
    assert nova_api.delete(specs + '/test:color').status_int == 202
    nova_api.post(specs, {'extra_specs': {'test:size': 'big'}})
    third = _create(nova_api, flavor, servers=servers).json['server']['id']
    assert _server_extra_specs(nova_api, first) == {'test:color': 'red'}
    assert _server_extra_specs(nova_api, second) == {'test:color': 'blue'}
    assert _server_extra_specs(nova_api, third) == {'test:size': 'big'}


def _disable_behind_the_apis_back(flavor_id):
    """What another nova-api process's write looks like to this one: the
    row changes, this process's cache is not told."""
    ctx = nova_context.get_admin_context()
    with engines.api_writer(ctx) as session:
        session.execute(sa.update(api_models.Flavors).where(
            api_models.Flavors.flavorid == flavor_id).values(disabled=True))


def test_flavor_cache_seconds_0_reads_the_flavor_on_every_create(
        nova_stack, nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    assert _create(nova_api, flavor, servers=servers).status_int == 202
    _disable_behind_the_apis_back(flavor)
    # The control: with the default the create still uses what it cached.
    assert _create(nova_api, flavor, servers=servers).status_int == 202
    restore = _override(nova_stack, 'flavor_cache_seconds', 0, 'api')
    try:
        resp = _create(nova_api, flavor, servers=servers)
    finally:
        restore()
    assert resp.status_int == 400, resp.text


# -- images ------------------------------------------------------------------

def _active_image(nova_stack, project=None, visibility='public'):
    return _images(nova_stack, project).create_active(
        b'\0' * 4096, name='img-' + uuid.uuid4().hex[:8],
        visibility=visibility)['id']


def test_an_image_deactivated_reactivated_deleted_through_the_api(
        nova_stack, nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    image = _active_image(nova_stack)
    path = '/v2/images/%s' % image
    admin_images = _images(nova_stack)
    assert _create(nova_api, flavor, image, servers).status_int == 202
    assert admin_images.call('POST', path + '/actions/deactivate'
                             ).status_int == 204
    resp = _create(nova_api, flavor, image, servers)
    assert resp.status_int == 400, resp.text
    assert admin_images.call('POST', path + '/actions/reactivate'
                             ).status_int == 204
    assert _create(nova_api, flavor, image, servers).status_int == 202
    assert admin_images.call('DELETE', path).status_int == 204
    resp = _create(nova_api, flavor, image, servers)
    assert resp.status_int == 400, resp.text


def test_a_private_image_cached_for_its_owner_is_refused_to_others(
        nova_stack, nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    owner, stranger = _project(), _project()
    image = _active_image(nova_stack, owner, visibility='private')
    resp = _create(nova_api.as_user('owner', owner), flavor, image, servers)
    assert resp.status_int == 202, resp.text
    resp = _create(nova_api.as_user('bob', stranger), flavor, image,
                   servers)
    assert resp.status_int == 400, resp.text


def test_sharing_an_image_through_the_api_is_seen_by_the_next_create(
        nova_stack, nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    owner, member = _project(), _project()
    image = _active_image(nova_stack, owner, visibility='shared')
    images = _images(nova_stack, owner)
    member_api = nova_api.as_user('bob', member)
    assert _create(member_api, flavor, image, servers).status_int == 400
    assert images.call('POST', '/v2/images/%s/members' % image,
                       {'member': member}).status_int == 200
    _images(nova_stack).as_user('bob', member).call(
        'PUT', '/v2/images/%s/members/%s' % (image, member),
        {'status': 'accepted'})
    assert _create(member_api, flavor, image, servers).status_int == 202
    assert images.call('DELETE', '/v2/images/%s/members/%s'
                       % (image, member)).status_int == 204
    assert _create(member_api, flavor, image, servers).status_int == 400


def test_metadata_cache_seconds_0_reads_the_image_on_every_create(
        nova_stack, nova_api, servers):
    flavor = nova_api.create_flavor()['id']
    image = _active_image(nova_stack)
    assert _create(nova_api, flavor, image, servers).status_int == 202
    # Deactivated behind the image API's back (another process, Glance).
    assert records.update(nova_context.get_admin_context(), image,
                          {'status': 'deactivated'},
                          from_statuses=('active',))
    # The control: with the default the create still uses what it cached.
    assert _create(nova_api, flavor, image, servers).status_int == 202
    restore = _override(nova_stack, 'metadata_cache_seconds', 0, 'image')
    try:
        resp = _create(nova_api, flavor, image, servers)
    finally:
        restore()
    assert resp.status_int == 400, resp.text
