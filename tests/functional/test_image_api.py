"""The Image API v2 under /image: images, listing, JSON-patch, errors.

Through nova-api's WSGI app in-process, as the Image API reference
describes the calls. The image API needs only the API database, so these
tests start no other service (:func:`image_stack`).
"""
import json
import uuid

import pytest
import webob

from nova.api import app as api_app
from nova.db import engines
from nova import embedded
from tests.functional import conftest

PATCH = 'application/openstack-images-v2.1-json-patch'


class ImageClient:
    """Image API v2 calls as one user of one project (noauth2 tokens)."""

    def __init__(self, app, token='admin:admin'):
        self.app = app
        self.token = token

    def as_user(self, user, project):
        return ImageClient(self.app, '%s:%s' % (user, project))

    def call(self, method, path, json_body=None, body=None,
             content_type=None, headers=None, body_file=None):
        req = webob.Request.blank('/image' + path, method=method)
        if self.token:
            req.headers['X-Auth-Token'] = self.token
        if json_body is not None:
            req.body = json.dumps(json_body).encode()
            req.content_type = content_type or 'application/json'
        elif body is not None:
            req.body = body
            req.content_type = content_type or 'application/octet-stream'
        elif body_file is not None:
            req.body_file = body_file
            req.content_type = content_type or 'application/octet-stream'
        req.headers.update(headers or {})
        return req.get_response(self.app)

    def create(self, **values):
        values.setdefault('disk_format', 'qcow2')
        values.setdefault('container_format', 'bare')
        resp = self.call('POST', '/v2/images', values)
        assert resp.status_int == 201, resp.text
        return resp.json

    def upload(self, image_id, data, **kw):
        return self.call('PUT', '/v2/images/%s/file' % image_id, body=data,
                         **kw)

    def create_active(self, data=b'disk bytes', **values):
        image = self.create(**values)
        resp = self.upload(image['id'], data)
        assert resp.status_int == 204, resp.text
        return self.show(image['id'])

    def show(self, image_id):
        resp = self.call('GET', '/v2/images/%s' % image_id)
        assert resp.status_int == 200, resp.text
        return resp.json

    def patch(self, image_id, changes, content_type=PATCH):
        return self.call('PATCH', '/v2/images/%s' % image_id, changes,
                         content_type=content_type)

    def list(self, query=''):
        resp = self.call('GET', '/v2/images' + query)
        assert resp.status_int == 200, resp.text
        return resp.json

    def list_ids(self, query=''):
        return [i['id'] for i in self.list(query)['images']]


def assert_error(resp, code):
    """Glance's error body: code, title and message."""
    assert resp.status_int == code, resp.text
    body = resp.json
    assert body['code'].startswith(str(code)) and body['title']
    assert body['message']
    return body['message']


class ImageStack:
    """nova-api's app over bootstrapped databases, no other service."""

    def __init__(self, state_path, **overrides):
        self.conf = conftest.make_conf(state_path, **overrides)
        embedded.bootstrap(self.conf, fast_schema=True)
        self.app = api_app.loadapp(self.conf)

    def stop(self):
        engines.dispose_all()


@pytest.fixture(scope='module')
def image_stack(tmp_path_factory):
    stack = ImageStack(tmp_path_factory.mktemp('images'))
    yield stack
    stack.stop()


@pytest.fixture
def images(image_stack):
    return ImageClient(image_stack.app)


def _name():
    return 'img-' + uuid.uuid4().hex[:8]


# -- documents ---------------------------------------------------------------

def test_seeded_known_image_is_active_and_listed(images):
    listed = images.list('?name=cirros')['images']
    assert [i['id'] for i in listed] == [conftest.IMAGE_ID]
    shown = images.show(conftest.IMAGE_ID)
    assert shown['status'] == 'active' and shown['visibility'] == 'public'
    assert shown['size'] == 0 and shown['os_hash_algo'] == 'sha512'
    assert shown['self'] == '/v2/images/%s' % conftest.IMAGE_ID


def test_version_documents_need_no_token(images):
    anonymous = ImageClient(images.app, token=None)
    resp = anonymous.call('GET', '/')
    assert resp.status_int == 300
    assert resp.json['versions'][0]['status'] == 'CURRENT'
    assert resp.json['versions'][0]['links'][0]['href'].endswith(
        '/image/v2/')
    assert anonymous.call('GET', '/versions').status_int == 200


def test_images_need_a_token_and_errors_have_glance_bodies(images):
    anonymous = ImageClient(images.app, token=None)
    assert_error(anonymous.call('GET', '/v2/images'), 401)
    assert_error(images.call('GET', '/v2/images/%s' % uuid.uuid4()), 404)
    assert_error(images.call('GET', '/v2/nothing'), 404)


def test_wrong_method_is_405_with_allow(images):
    resp = images.call('POST', '/v2/images/%s' % conftest.IMAGE_ID, {})
    assert_error(resp, 405)
    assert resp.headers['Allow'] == 'DELETE, GET, PATCH'


def test_schemas(images):
    schema = images.call('GET', '/v2/schemas/image').json
    assert schema['name'] == 'image'
    assert schema['properties']['status']['readOnly'] is True
    assert 'qcow2' in schema['properties']['disk_format']['enum']
    listing = images.call('GET', '/v2/schemas/images').json
    assert listing['properties']['images']['items']['name'] == 'image'
    assert images.call('GET', '/v2/schemas/member').json['name'] == 'member'


# -- create ------------------------------------------------------------------

def test_create_gives_a_queued_image_with_properties(images):
    resp = images.call('POST', '/v2/images', {
        'name': 'mine', 'disk_format': 'raw', 'container_format': 'bare',
        'min_ram': 64, 'tags': ['a', 'b'], 'os_distro': 'cirros'})
    assert resp.status_int == 201, resp.text
    image = resp.json
    assert resp.headers['Location'].endswith('/v2/images/%s' % image['id'])
    assert image['status'] == 'queued' and image['size'] is None
    assert image['visibility'] == 'shared' and image['owner'] == 'admin'
    assert image['min_ram'] == 64 and image['tags'] == ['a', 'b']
    assert image['os_distro'] == 'cirros'
    assert images.show(image['id']) == image


def test_create_with_an_id_and_twice_is_409(images):
    image_id = str(uuid.uuid4())
    assert images.create(id=image_id)['id'] == image_id
    assert_error(images.call('POST', '/v2/images', {'id': image_id}), 409)
    assert_error(images.call('POST', '/v2/images', {'id': 'not-a-uuid'}),
                 400)


@pytest.mark.parametrize('body, code', [
    ({'status': 'active'}, 403),
    ({'size': 10}, 403),
    ({'checksum': 'x'}, 403),
    ({'deleted': True}, 403),
    ({'disk_format': 'floppy'}, 400),
    ({'container_format': 'box'}, 400),
    ({'min_ram': -1}, 400),
    ({'min_disk': 'big'}, 400),
    ({'protected': 'yes'}, 400),
    ({'visibility': 'everyone'}, 400),
    ({'name': 'x' * 256}, 400),
    ({'os_distro': 5}, 400),
    ({'tags': 'one'}, 400),
])
def test_create_rejects_bad_input(images, body, code):
    message = assert_error(images.call('POST', '/v2/images', body), code)
    assert list(body)[0] in message


def test_create_body_must_be_a_json_object(images):
    assert_error(images.call('POST', '/v2/images', ['x']), 400)
    assert_error(images.call('POST', '/v2/images', body=b'{nope',
                             content_type='application/json'), 400)
    assert_error(images.call('POST', '/v2/images', body=b'name=x',
                             content_type='text/plain'), 415)


def test_only_an_admin_publishes(images):
    member = images.as_user('alice', 'p-publish')
    assert_error(member.call('POST', '/v2/images',
                             {'visibility': 'public'}), 403)
    assert images.create(visibility='public')['visibility'] == 'public'


# -- list --------------------------------------------------------------------

@pytest.fixture
def listed(images):
    """Three images of a project of their own, distinct in every field."""
    client = images.as_user('lister', 'p-list-%s' % uuid.uuid4().hex[:6])
    made = [client.create_active(b'x' * 10, name='l-b', min_ram=2,
                                 tags=['red'], os_type='linux'),
            client.create_active(b'x' * 30, name='l-a', min_ram=1,
                                 tags=['red', 'big'], os_type='windows'),
            client.create(name='l-c', min_ram=3, visibility='private')]
    return client, {i['name']: i['id'] for i in made}


def test_list_filters(listed):
    client, ids = listed
    own = '&owner=%s' % client.token.split(':')[1]
    assert client.list_ids('?name=l-a') == [ids['l-a']]
    assert client.list_ids('?status=queued' + own) == [ids['l-c']]
    assert client.list_ids('?visibility=private' + own) == [ids['l-c']]
    assert sorted(client.list_ids('?tag=red' + own)) == sorted(
        [ids['l-a'], ids['l-b']])
    assert client.list_ids('?tag=red&tag=big' + own) == [ids['l-a']]
    assert client.list_ids('?os_type=windows' + own) == [ids['l-a']]
    assert client.list_ids('?size_min=20' + own) == [ids['l-a']]
    assert client.list_ids('?size_max=20&status=active' + own) == [
        ids['l-b']]
    assert client.list_ids('?name=in:l-a,l-c&sort_key=name&sort_dir=asc'
                           ) == [ids['l-a'], ids['l-c']]


def test_list_sorting(listed):
    client, ids = listed
    own = '&owner=%s' % client.token.split(':')[1]
    by_ram = [ids['l-a'], ids['l-b'], ids['l-c']]
    assert client.list_ids('?sort_key=min_ram&sort_dir=asc' + own) == by_ram
    assert client.list_ids('?sort=min_ram:desc' + own) == by_ram[::-1]
    assert client.list_ids('?sort=name' + own) == [
        ids['l-c'], ids['l-b'], ids['l-a']]
    assert client.list_ids('?sort_key=status&sort_key=name&sort_dir=asc'
                           + own) == [ids['l-a'], ids['l-b'], ids['l-c']]


def test_list_pages_with_next_links(listed):
    client, ids = listed
    query = '?owner=%s&sort_key=name&sort_dir=asc&limit=2' % (
        client.token.split(':')[1])
    first = client.list(query)
    assert [i['id'] for i in first['images']] == [ids['l-a'], ids['l-b']]
    assert first['first'] == '/v2/images'
    assert 'marker=%s' % ids['l-b'] in first['next']
    assert 'sort_key=name' in first['next']
    second = client.list(first['next'][len('/v2/images'):])
    assert [i['id'] for i in second['images']] == [ids['l-c']]
    assert 'next' not in second


def test_list_by_creation_and_update_times(images):
    image = images.create(name=_name())
    name = '&name=%s' % image['name']
    for query, listed in (('created_at=gte:%s', True),
                          ('created_at=lt:%s', False),
                          ('updated_at=eq:%s', True),
                          ('updated_at=neq:%s', False)):
        ids = images.list_ids('?' + query % image['created_at'] + name)
        assert (ids == [image['id']]) is listed, query
    assert images.list_ids('?created_at=gt:2999-01-01T00:00:00Z' + name) \
        == []


@pytest.mark.parametrize('query', [
    '?created_at=2020-01-01T00:00:00Z', '?updated_at=gte:yesterday',
    '?created_at=after:2020-01-01T00:00:00Z',
    '?limit=x', '?limit=-1', '?sort_key=nope', '?sort_dir=up',
    '?sort=name&sort_key=name', '?visibility=everyone',
    '?member_status=maybe', '?size_min=big', '?protected=maybe',
    '?marker=0d6d8b1c-4a5e-4f0b-9c53-2b7f3a9e8c41',  # no such image
    '?sort_key=name&sort_key=id&sort_dir=asc&sort_dir=asc&sort_dir=asc',
])
def test_list_rejects_bad_parameters(images, query):
    assert_error(images.call('GET', '/v2/images' + query), 400)


def test_hidden_images_are_listed_only_when_asked(images):
    image = images.create(name=_name(), os_hidden=True)
    assert image['id'] not in images.list_ids('?name=%s' % image['name'])
    assert images.list_ids('?os_hidden=true&name=%s' % image['name']) == [
        image['id']]


# -- patch -------------------------------------------------------------------

def test_patch_core_attributes_properties_and_tags(images):
    image = images.create(name=_name(), os_distro='cirros')
    resp = images.patch(image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'renamed'},
        {'op': 'add', 'path': '/hw_disk_bus', 'value': 'virtio'},
        {'op': 'replace', 'path': '/os_distro', 'value': 'ubuntu'},
        {'op': 'add', 'path': '/tags', 'value': ['t1']},
        {'op': 'replace', 'path': '/min_disk', 'value': 2},
        {'op': 'add', 'path': '/a~1b', 'value': 'slash'},
    ])
    assert resp.status_int == 200, resp.text
    patched = resp.json
    assert patched['name'] == 'renamed' and patched['min_disk'] == 2
    assert patched['hw_disk_bus'] == 'virtio'
    assert patched['os_distro'] == 'ubuntu' and patched['a/b'] == 'slash'
    assert patched['tags'] == ['t1']
    resp = images.patch(image['id'], [{'op': 'remove',
                                       'path': '/hw_disk_bus'}])
    assert 'hw_disk_bus' not in resp.json
    assert images.show(image['id'])['os_distro'] == 'ubuntu'


def test_patch_v20_media_type(images):
    image = images.create(name=_name())
    resp = images.patch(image['id'], [{'replace': '/name', 'value': 'v20'}],
                        content_type='application/openstack-images-v2.0-'
                        'json-patch')
    assert resp.status_int == 200 and resp.json['name'] == 'v20'


@pytest.mark.parametrize('changes, code', [
    ([{'op': 'replace', 'path': '/status', 'value': 'active'}], 403),
    ([{'op': 'replace', 'path': '/id', 'value': 'x'}], 403),
    ([{'op': 'add', 'path': '/deleted', 'value': 'x'}], 403),
    ([{'op': 'remove', 'path': '/name'}], 403),
    ([{'op': 'replace', 'path': '/missing', 'value': 'x'}], 409),
    ([{'op': 'remove', 'path': '/missing'}], 409),
    ([{'op': 'move', 'path': '/name', 'value': 'x'}], 400),
    ([{'op': 'add', 'path': '/name'}], 400),
    ([{'op': 'add', 'path': 'name', 'value': 'x'}], 400),
    ([{'op': 'add', 'path': '/a/b', 'value': 'x'}], 400),
    ([{'op': 'add', 'path': '/min_ram', 'value': 'lots'}], 400),
    ([{'op': 'add', 'path': '/prop', 'value': 3}], 400),
    ({'op': 'add'}, 400),
])
def test_patch_rejects_bad_changes(images, changes, code):
    image = images.create(name=_name())
    assert_error(images.patch(image['id'], changes), code)
    assert images.show(image['id']) == image


def test_patch_needs_the_patch_media_type(images):
    image = images.create(name=_name())
    resp = images.patch(image['id'], [], content_type='application/json')
    assert_error(resp, 415)
    assert 'v2.1-json-patch' in resp.headers['Accept-Patch']


def test_formats_change_only_while_queued(images):
    image = images.create_active(name=_name())
    assert_error(images.patch(image['id'], [
        {'op': 'replace', 'path': '/disk_format', 'value': 'raw'}]), 403)
    queued = images.create(name=_name())
    resp = images.patch(queued['id'], [
        {'op': 'replace', 'path': '/disk_format', 'value': 'raw'}])
    assert resp.json['disk_format'] == 'raw'
    assert_error(images.patch(queued['id'], [
        {'op': 'replace', 'path': '/disk_format', 'value': 'floppy'}]), 400)


# -- tags and delete ---------------------------------------------------------

def test_tag_calls(images):
    image = images.create(name=_name())
    path = '/v2/images/%s/tags/' % image['id']
    assert images.call('PUT', path + 'blue').status_int == 204
    assert images.call('PUT', path + 'blue').status_int == 204
    assert images.show(image['id'])['tags'] == ['blue']
    assert images.call('DELETE', path + 'blue').status_int == 204
    assert_error(images.call('DELETE', path + 'blue'), 404)


def test_delete_and_protected(images):
    image = images.create(name=_name(), protected=True)
    path = '/v2/images/%s' % image['id']
    assert_error(images.call('DELETE', path), 403)
    images.patch(image['id'], [{'op': 'replace', 'path': '/protected',
                                'value': False}])
    assert images.call('DELETE', path).status_int == 204
    assert_error(images.call('GET', path), 404)
    assert_error(images.call('DELETE', path), 404)
    assert image['id'] not in images.list_ids('?name=%s' % image['name'])


def test_deactivate_and_reactivate(images):
    image = images.create_active(b'data', name=_name(), visibility='public')
    path = '/v2/images/%s' % image['id']
    member = images.as_user('m', 'p-deactivate')
    assert_error(member.call('POST', path + '/actions/deactivate'), 403)
    for _ in range(2):  # twice is no change
        assert images.call('POST', path + '/actions/deactivate'
                           ).status_int == 204
    assert images.show(image['id'])['status'] == 'deactivated'
    assert 'deactivated' in assert_error(
        member.call('GET', path + '/file'), 403)
    assert images.call('GET', path + '/file').body == b'data'
    assert images.call('POST', path + '/actions/reactivate').status_int == 204
    assert member.call('GET', path + '/file').body == b'data'
    queued = images.create(name=_name())
    assert_error(images.call('POST', '/v2/images/%s/actions/deactivate'
                             % queued['id']), 403)
