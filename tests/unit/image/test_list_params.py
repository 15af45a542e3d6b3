"""Query parameters of GET /v2/images."""
import pytest
import webob

from nova.api.image import list_params
from nova import exception


def _params(query):
    return webob.Request.blank('/v2/images?' + query).GET


def test_sorting_forms():
    assert list_params.sorting(_params('')) == (['created_at'], ['desc'])
    assert list_params.sorting(_params('sort=name:asc,size')) == (
        ['name', 'size'], ['asc', 'desc'])
    assert list_params.sorting(_params(
        'sort_key=name&sort_key=id&sort_dir=asc')) == (['name', 'id'],
                                                       ['asc', 'asc'])


def test_paging_caps_the_limit():
    assert list_params.paging(_params('')) == (25, None)
    assert list_params.paging(_params('limit=5000&marker=m')) == (1000, 'm')


def test_filters_and_properties():
    got = list_params.filters(_params(
        'name=x&tag=a&tag=b&size_min=3&protected=true&os_distro=cirros'
        '&limit=3&sort=name'))
    assert got == {'name': 'x', 'tag': ['a', 'b'], 'size_min': 3,
                   'protected': True, 'properties': {'os_distro': 'cirros'}}


@pytest.mark.parametrize('query', ['visibility=x', 'size_max=-1',
                                   'os_hidden=1', 'member_status=x'])
def test_bad_filters(query):
    with pytest.raises(exception.ImageInvalid):
        list_params.filters(_params(query))


def test_next_link_keeps_the_query():
    link = list_params.next_link(_params('name=a&marker=old&limit=2'), 'new')
    assert link.startswith('/v2/images?')
    assert 'marker=new' in link and 'old' not in link and 'name=a' in link
