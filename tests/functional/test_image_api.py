"""The read-only Image API v2 subset clients use to resolve --image NAME."""
from tests.functional import conftest


def test_list_filter_and_show(nova_api):
    listed = nova_api.get('/image/v2/images?name=cirros').json['images']
    assert [i['id'] for i in listed] == [conftest.IMAGE_ID]
    assert listed[0]['status'] == 'active'
    shown = nova_api.get('/image/v2/images/%s' % conftest.IMAGE_ID).json
    assert shown['name'] == 'cirros' and shown['min_ram'] == 0
    assert nova_api.get('/image/v2/images?name=nope').json['images'] == []


def test_unknown_image_is_404_and_writes_are_refused(nova_api):
    assert nova_api.get('/image/v2/images/nope').status_int == 404
    assert nova_api.post('/image/v2/images', {'name': 'x'}).status_int == 405


def test_version_document(nova_api):
    resp = nova_api.get('/image/')
    assert resp.json['versions'][0]['status'] == 'CURRENT'


def test_requires_a_token(nova_api):
    anonymous = conftest.ApiClient(nova_api.app, token='')
    assert anonymous.get('/image/v2/images').status_int == 401
