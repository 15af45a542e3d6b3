"""Visibility and ownership per project, and image members."""
import uuid

import pytest

from tests.functional.test_image_api import assert_error
from tests.functional.test_image_api import ImageClient
from tests.functional.test_image_api import image_stack  # noqa: F401


@pytest.fixture
def admin(image_stack):
    return ImageClient(image_stack.app)


@pytest.fixture
def alice(admin):
    return admin.as_user('alice', 'p-alice-%s' % uuid.uuid4().hex[:6])


@pytest.fixture
def bob(admin):
    return admin.as_user('bob', 'p-bob-%s' % uuid.uuid4().hex[:6])


def _project(client):
    return client.token.split(':')[1]


def test_a_private_image_is_invisible_to_another_project(admin, alice, bob):
    image = alice.create_active(b'secret', name='priv', visibility='private')
    path = '/v2/images/%s' % image['id']
    assert image['id'] in alice.list_ids()
    assert image['id'] not in bob.list_ids()
    assert image['id'] not in bob.list_ids('?visibility=private')
    assert image['id'] not in bob.list_ids('?visibility=all')
    for method, suffix in (('GET', ''), ('DELETE', ''), ('GET', '/file'),
                           ('GET', '/members')):
        assert_error(bob.call(method, path + suffix), 404)
    assert_error(bob.patch(image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'stolen'}]), 404)
    # An admin sees and may change everything.
    assert image['id'] in admin.list_ids('?owner=%s' % _project(alice))
    assert admin.show(image['id'])['name'] == 'priv'
    assert alice.show(image['id'])['name'] == 'priv'


def test_others_see_a_public_image_but_cannot_change_it(admin, bob):
    image = admin.create_active(b'pub', name='pub-%s' % uuid.uuid4().hex[:6],
                                visibility='public')
    assert bob.list_ids('?name=%s' % image['name']) == [image['id']]
    assert bob.call('GET', '/v2/images/%s/file' % image['id']).body == \
        b'pub'
    assert_error(bob.patch(image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'mine'}]), 403)
    assert_error(bob.call('DELETE', '/v2/images/%s' % image['id']), 403)


def test_only_an_admin_makes_an_image_public(admin, alice):
    image = alice.create(name='wannabe')
    change = [{'op': 'replace', 'path': '/visibility', 'value': 'public'}]
    assert_error(alice.patch(image['id'], change), 403)
    assert admin.patch(image['id'], change).json['visibility'] == 'public'


def test_owner_changes_only_by_an_admin(admin, alice, bob):
    image = alice.create(name='owned')
    change = [{'op': 'replace', 'path': '/owner', 'value': _project(bob)}]
    assert_error(alice.patch(image['id'], change), 403)
    assert admin.patch(image['id'], change).json['owner'] == _project(bob)
    assert bob.show(image['id'])['name'] == 'owned'


def test_community_images_are_listed_only_when_asked(alice, bob):
    image = alice.create(name='comm-%s' % uuid.uuid4().hex[:6],
                         visibility='community')
    assert bob.show(image['id'])['visibility'] == 'community'
    assert image['id'] not in bob.list_ids('?name=%s' % image['name'])
    assert bob.list_ids('?visibility=community&name=%s' % image['name']) \
        == [image['id']]
    assert bob.list_ids('?visibility=all&name=%s' % image['name']) == [
        image['id']]
    assert image['id'] in alice.list_ids('?name=%s' % image['name'])


def test_sharing_with_members(alice, bob):
    image = alice.create(name='shared', visibility='shared')
    members = '/v2/images/%s/members' % image['id']
    assert_error(bob.call('GET', '/v2/images/%s' % image['id']), 404)
    resp = alice.call('POST', members, {'member': _project(bob)})
    assert resp.status_int == 200, resp.text
    assert resp.json['status'] == 'pending'
    assert_error(alice.call('POST', members, {'member': _project(bob)}), 409)
    # A pending member sees the image but does not list it by default.
    assert bob.show(image['id'])['name'] == 'shared'
    assert image['id'] not in bob.list_ids()
    assert image['id'] in bob.list_ids('?member_status=pending')
    mine = members + '/' + _project(bob)
    assert_error(alice.call('PUT', mine, {'status': 'accepted'}), 403)
    resp = bob.call('PUT', mine, {'status': 'accepted'})
    assert resp.json['status'] == 'accepted'
    assert image['id'] in bob.list_ids()
    assert_error(bob.call('PUT', mine, {'status': 'maybe'}), 400)
    assert_error(bob.call('POST', members, {'member': 'p-x'}), 403)
    listed = alice.call('GET', members).json['members']
    assert [m['member_id'] for m in listed] == [_project(bob)]
    assert bob.call('GET', mine).json['status'] == 'accepted'
    assert alice.call('DELETE', mine).status_int == 204
    assert_error(bob.call('GET', '/v2/images/%s' % image['id']), 404)
    assert_error(alice.call('DELETE', mine), 404)


def test_only_shared_images_have_members(alice, bob):
    image = alice.create(name='private', visibility='private')
    resp = alice.call('POST', '/v2/images/%s/members' % image['id'],
                      {'member': _project(bob)})
    assert_error(resp, 403)


def test_readers_read_and_members_write(admin, alice):
    """Roles: a reader of the owning project reads but may not write."""
    image = alice.create_active(b'r', name='roles', visibility='private')
    reader = {'X-Roles': 'reader'}
    token = alice.token
    path = '/v2/images/%s' % image['id']

    def as_reader(method, suffix='', **kw):
        client = ImageClient(admin.app, token)
        return client.call(method, path + suffix, headers=reader, **kw)
    assert as_reader('GET').json['id'] == image['id']
    assert as_reader('GET', '/file').body == b'r'
    reader_list = ImageClient(admin.app, token).call(
        'GET', '/v2/images', headers=reader)
    assert image['id'] in [i['id'] for i in reader_list.json['images']]
    assert_error(ImageClient(admin.app, token).call(
        'POST', '/v2/images', {'name': 'x'}, headers=reader), 403)
    assert_error(as_reader('PATCH', json_body=[
        {'op': 'replace', 'path': '/name', 'value': 'x'}],
        content_type='application/openstack-images-v2.1-json-patch'), 403)
    assert_error(as_reader('DELETE'), 403)
    assert_error(as_reader('PUT', '/tags/t'), 403)
    assert alice.show(image['id'])['name'] == 'roles'
