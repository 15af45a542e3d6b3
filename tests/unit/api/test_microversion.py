import pytest

from nova.api import microversion
from nova import exception


def test_versions_are_contiguous_and_commented():
    minors = [microversion.parse(v)[1] for v, _ in microversion.VERSIONS]
    assert minors == list(range(1, len(minors) + 1))
    assert all(comment.strip() for _, comment in microversion.VERSIONS)
    assert microversion.MIN_VERSION == (2, 1)
    assert microversion.MAX_VERSION == (2, 100)


@pytest.mark.parametrize('headers,expected', [
    ({}, (2, 1)),
    ({'OpenStack-API-Version': 'compute 2.47'}, (2, 47)),
    ({'openstack-api-version': 'compute 2.9'}, (2, 9)),
    ({'X-OpenStack-Nova-API-Version': '2.19'}, (2, 19)),
    ({'OpenStack-API-Version': 'compute latest'}, (2, 100)),
    ({'X-OpenStack-Nova-API-Version': 'latest'}, (2, 100)),
    # The standard header wins over the legacy one.
    ({'OpenStack-API-Version': 'compute 2.3',
      'X-OpenStack-Nova-API-Version': '2.60'}, (2, 3)),
    # A header for another service is not ours.
    ({'OpenStack-API-Version': 'placement 1.30'}, (2, 1)),
])
def test_from_headers(headers, expected):
    assert microversion.from_headers(headers) == expected


@pytest.mark.parametrize('value', ['2', '2.x', 'abc', '2.1.1', '2.-1', '2.01'])
def test_ill_formed_version_is_400(value):
    with pytest.raises(exception.InvalidAPIVersionString) as info:
        microversion.from_headers({'OpenStack-API-Version':
                                   'compute %s' % value})
    assert info.value.code == 400


@pytest.mark.parametrize('value', ['2.0', '2.101', '3.0', '1.1'])
def test_out_of_range_version_is_406(value):
    with pytest.raises(exception.InvalidGlobalAPIVersion) as info:
        microversion.from_headers({'X-OpenStack-Nova-API-Version': value})
    assert info.value.code == 406
    assert 'Minimum is 2.1 and maximum is 2.100' in str(info.value)


def test_response_headers():
    assert dict(microversion.response_headers((2, 55))) == {
        'OpenStack-API-Version': 'compute 2.55',
        'X-OpenStack-Nova-API-Version': '2.55',
        'Vary': 'OpenStack-API-Version, X-OpenStack-Nova-API-Version'}
