"""Translations of the Image API v2 client back end."""
import pytest
import requests

from nova import exception
from nova.image import glance


def test_from_glance_splits_core_attributes_and_properties():
    image = glance.from_glance({
        'id': 'i', 'name': 'n', 'status': 'active', 'min_ram': None,
        'tags': ['t'], 'os_distro': 'cirros', 'self': '/v2/images/i',
        'file': '/v2/images/i/file', 'schema': '/v2/schemas/image',
        'locations': [], 'protected': False})
    assert image['properties'] == {'os_distro': 'cirros'}
    assert image['min_ram'] == 0 and image['tags'] == ['t']
    assert image['size'] is None and image['protected'] is False


def test_list_params():
    params = glance._list_params(
        {'name': 'n', 'os_hidden': False, 'tag': ['a', 'b'], 'owner': None,
         'properties': {'os_distro': 'cirros'}},
        ['name', 'id'], 'asc', 'm')
    assert params == {'name': 'n', 'os_hidden': 'false', 'tag': ['a', 'b'],
                      'os_distro': 'cirros', 'sort_key': ['name', 'id'],
                      'sort_dir': ['asc'], 'marker': 'm'}


def _response(code, body):
    resp = requests.Response()
    resp.status_code = code
    resp._content = body.encode()
    return resp


@pytest.mark.parametrize('code, error', [
    (404, exception.ImageNotFound), (403, exception.Forbidden),
    (409, exception.Conflict), (400, exception.ImageInvalid),
    (415, exception.ImageInvalid), (413, exception.ImageTooLarge),
    (500, exception.ImageServiceUnavailable),
    (401, exception.ImageServiceUnavailable),
])
def test_error_responses(code, error):
    with pytest.raises(error) as caught:
        glance.raise_for(_response(code, '{"message": "why"}'), 'img')
    if code not in (404,):
        assert 'why' in str(caught.value)


def test_success_is_not_an_error():
    glance.raise_for(_response(204, ''), 'img')


def test_escape_of_patch_paths():
    assert glance._escape('a/b~c') == 'a~1b~0c'
