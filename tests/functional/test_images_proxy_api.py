"""The compute API's image proxy: /images and /images/{id}/metadata.

Images are made through the Image API v2 (the built-in store) and read
back through the proxy, whose bodies follow the compute API reference.
"""
import uuid

import pytest

from tests.functional import conftest
from tests.functional import image_helpers

DATA = b'QFI\xfb' + b'\0' * 1020


@pytest.fixture
def alice(nova_api):
    return nova_api.as_user('alice', 'proj-a-%s' % uuid.uuid4().hex[:6])


@pytest.fixture
def bob(nova_api):
    return nova_api.as_user('bob', 'proj-b-%s' % uuid.uuid4().hex[:6])


def _names(resp):
    assert resp.status_int == 200, resp.text
    return [i['name'] for i in resp.json['images']]


def test_list_entries_have_three_links(alice):
    image = image_helpers.create_image(alice, 'listed', DATA)
    resp = alice.get('/v2.1/images')
    entry = next(i for i in resp.json['images'] if i['id'] == image['id'])
    assert set(entry) == {'id', 'name', 'links'}
    rels = {link['rel']: link for link in entry['links']}
    assert rels['self']['href'].endswith('/v2.1/images/%s' % image['id'])
    assert rels['bookmark']['href'].endswith('/images/%s' % image['id'])
    assert '/v2.1/' not in rels['bookmark']['href']
    assert rels['alternate']['type'] == 'application/vnd.openstack.image'
    assert rels['alternate']['href'].endswith('/image/images/%s'
                                              % image['id'])


def test_detail_and_show_bodies(alice):
    image = image_helpers.create_image(alice, 'shown', DATA, min_ram=64,
                                       min_disk=1, auto_disk_config='true',
                                       os_distro='cirros')
    shown = alice.get('/v2.1/images/%s' % image['id'])
    assert shown.status_int == 200, shown.text
    body = shown.json['image']
    assert body['status'] == 'ACTIVE' and body['progress'] == 100
    assert body['minRam'] == 64 and body['minDisk'] == 1
    assert body['OS-EXT-IMG-SIZE:size'] == len(DATA)
    assert body['metadata'] == {'auto_disk_config': 'true',
                                'os_distro': 'cirros'}
    assert body['OS-DCF:diskConfig'] == 'AUTO'
    assert body['created'].endswith('Z') and body['updated'].endswith('Z')
    assert 'server' not in body
    detail = alice.get('/v2.1/images/detail').json['images']
    assert next(i for i in detail if i['id'] == image['id']) == body


def test_queued_image_is_saving_at_25_percent(alice):
    image = image_helpers.create_image(alice, 'queued')
    body = alice.get('/v2.1/images/%s' % image['id']).json['image']
    assert (body['status'], body['progress']) == ('SAVING', 25)
    assert body['OS-EXT-IMG-SIZE:size'] is None


def test_unknown_image_is_404(alice):
    resp = alice.get('/v2.1/images/%s' % uuid.uuid4())
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Image not found.'


def test_gone_after_2_35_metadata_after_2_38(alice):
    image = image_helpers.create_image(alice, 'versions', DATA)
    path = '/v2.1/images/%s' % image['id']
    assert alice.get('/v2.1/images', microversion='2.35').status_int == 200
    assert alice.get('/v2.1/images', microversion='2.36').status_int == 404
    assert alice.get(path, microversion='2.36').status_int == 404
    assert alice.delete(path, microversion='2.36').status_int == 404
    assert alice.get(path + '/metadata',
                     microversion='2.38').status_int == 200
    assert alice.get(path + '/metadata',
                     microversion='2.39').status_int == 404


def test_filters(alice):
    tag = uuid.uuid4().hex[:8]
    big = image_helpers.create_image(alice, 'big-' + tag, DATA, min_ram=512,
                                     min_disk=10, flavour=tag)
    small = image_helpers.create_image(alice, 'small-' + tag, DATA,
                                       flavour=tag)
    queued = image_helpers.create_image(alice, 'queued-' + tag, flavour=tag)
    mine = 'property-flavour=' + tag

    def names(query):
        return sorted(_names(alice.get('/v2.1/images' + query)))
    assert names('?' + mine) == sorted(
        ['big-' + tag, 'small-' + tag, 'queued-' + tag])
    assert names('?name=small-' + tag) == ['small-' + tag]
    assert names('?minRam=256&' + mine) == ['big-' + tag]
    assert names('?minDisk=5&' + mine) == ['big-' + tag]
    assert names('?status=SAVING&' + mine) == ['queued-' + tag]
    assert names('/detail?status=ACTIVE&' + mine) == sorted(
        ['big-' + tag, 'small-' + tag])
    assert names('?changes-since=2999-01-01T00:00:00Z&' + mine) == []
    assert len(names('?changes-since=2000-01-01T00:00:00Z&' + mine)) == 3
    assert alice.get('/v2.1/images?minRam=x').status_int == 400
    assert big['id'] != small['id'] != queued['id']


def test_server_and_type_filters(alice):
    server_id = str(uuid.uuid4())
    image_helpers.create_image(alice, 'snap-of', DATA,
                               instance_uuid=server_id,
                               image_type='snapshot')
    by_server = alice.get('/v2.1/images/detail?server=http://x/servers/%s'
                          % server_id).json['images']
    assert [i['name'] for i in by_server] == ['snap-of']
    assert by_server[0]['server']['id'] == server_id
    assert by_server[0]['server']['links'][0]['href'].endswith(
        '/servers/%s' % server_id)
    snapshots = _names(alice.get('/v2.1/images?type=snapshot'))
    assert 'snap-of' in snapshots and 'cirros' not in snapshots


def test_paging(alice):
    tag = uuid.uuid4().hex[:8]
    for n in range(3):
        image_helpers.create_image(alice, 'page-%d' % n, DATA, pg=tag)
    first = alice.get('/v2.1/images?limit=2&property-pg=' + tag).json
    assert len(first['images']) == 2
    next_href = first['images_links'][0]['href']
    assert 'marker=%s' % first['images'][-1]['id'] in next_href
    marker = first['images'][-1]['id']
    rest = alice.get('/v2.1/images?limit=2&property-pg=%s&marker=%s'
                     % (tag, marker)).json
    assert len(rest['images']) == 1 and 'images_links' not in rest
    seen = {i['name'] for i in first['images'] + rest['images']}
    assert seen == {'page-0', 'page-1', 'page-2'}
    bad = alice.get('/v2.1/images?marker=%s' % uuid.uuid4())
    assert bad.status_int == 400
    assert alice.get('/v2.1/images?limit=-1').status_int == 400


def test_private_images_stay_private(alice, bob):
    private = image_helpers.create_image(alice, 'alice-private', DATA)
    assert bob.get('/v2.1/images/%s' % private['id']).status_int == 404
    assert 'alice-private' not in _names(bob.get('/v2.1/images'))
    assert bob.delete('/v2.1/images/%s' % private['id']).status_int == 404
    assert bob.get('/v2.1/images/%s/metadata'
                   % private['id']).status_int == 404
    # The seeded public image is everyone's.
    assert bob.get('/v2.1/images/%s' % conftest.IMAGE_ID).status_int == 200


def test_delete(alice):
    image = image_helpers.create_image(alice, 'doomed', DATA)
    resp = alice.delete('/v2.1/images/%s' % image['id'])
    assert resp.status_int == 204 and not resp.body
    assert alice.get('/v2.1/images/%s' % image['id']).status_int == 404
    assert alice.delete('/v2.1/images/%s' % image['id']).status_int == 404


def test_metadata_calls(alice):
    image = image_helpers.create_image(alice, 'meta', DATA, a='1', b='2')
    path = '/v2.1/images/%s/metadata' % image['id']
    assert alice.get(path).json == {'metadata': {'a': '1', 'b': '2'}}
    assert alice.get(path + '/a').json == {'meta': {'a': '1'}}
    missing = alice.get(path + '/zz')
    assert missing.status_int == 404
    merged = alice.post(path, {'metadata': {'b': '20', 'c': '3'}})
    assert merged.status_int == 200, merged.text
    assert merged.json == {'metadata': {'a': '1', 'b': '20', 'c': '3'}}
    one = alice.put(path + '/d', {'meta': {'d': '4'}})
    assert one.status_int == 200 and one.json == {'meta': {'d': '4'}}
    mismatch = alice.put(path + '/d', {'meta': {'e': '5'}})
    assert mismatch.status_int == 400
    assert mismatch.json['badRequest']['message'] == \
        'Request body and URI mismatch'
    replaced = alice.put(path, {'metadata': {'only': 'this'}})
    assert replaced.json == {'metadata': {'only': 'this'}}
    assert alice.get(path).json == {'metadata': {'only': 'this'}}
    assert alice.delete(path + '/only').status_int == 204
    assert alice.get(path).json == {'metadata': {}}
    gone = alice.delete(path + '/only')
    assert gone.status_int == 404
    assert gone.json['itemNotFound']['message'] == 'Invalid metadata key'


def test_metadata_bad_input(alice, bob):
    image = image_helpers.create_image(alice, 'meta-bad', DATA)
    path = '/v2.1/images/%s/metadata' % image['id']
    assert alice.post(path, {'metadata': {'k': 1}}).status_int == 400
    assert alice.post(path, {'meta': {'k': 'v'}}).status_int == 400
    assert alice.put(path + '/k', {'meta': {'k': 'v', 'j': 'w'}}
                     ).status_int == 400
    too_many = {'metadata': {'k%d' % n: 'v' for n in range(129)}}
    over = alice.put(path, too_many)
    assert over.status_int == 403
    assert over.json['forbidden']['message'] == \
        'Image metadata limit exceeded'
    assert alice.get(path).json == {'metadata': {}}
    assert alice.get('/v2.1/images/%s/metadata'
                     % uuid.uuid4()).status_int == 404


def test_metadata_of_a_public_image_is_not_others_to_change(bob):
    resp = bob.post('/v2.1/images/%s/metadata' % conftest.IMAGE_ID,
                    {'metadata': {'mine': 'now'}})
    assert resp.status_int in (403, 404), resp.text
    props = bob.get('/v2.1/images/%s/metadata' % conftest.IMAGE_ID).json
    assert 'mine' not in props['metadata']
