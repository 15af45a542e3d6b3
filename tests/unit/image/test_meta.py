"""Image attributes shared by the store and the REST layer."""
import pytest

from nova import exception
from nova.image import meta


def test_parse_known_image():
    image_id, values, data_file = meta.parse_known_image(
        '70a599e0-31e7-49b7-b260-868f441e862b:cirros:min_ram=64,'
        'file=/srv/cirros.img,os_distro=cirros,status=active')
    assert image_id == '70a599e0-31e7-49b7-b260-868f441e862b'
    assert values['name'] == 'cirros' and values['min_ram'] == 64
    assert values['visibility'] == 'public'
    assert values['properties'] == {'os_distro': 'cirros'}
    assert data_file == '/srv/cirros.img'


def test_parse_known_image_needs_a_name():
    with pytest.raises(ValueError):
        meta.parse_known_image('just-an-id')


def test_split_values():
    core, props = meta.split_values({'name': 'n', 'min_ram': 1,
                                     'os_distro': 'x',
                                     'properties': {'hw': 'y'}})
    assert core == {'name': 'n', 'min_ram': 1}
    assert props == {'hw': 'y', 'os_distro': 'x'}


@pytest.mark.parametrize('values, error', [
    ({'size': 1}, exception.ImageAttributeReadOnly),
    ({'locations': []}, exception.ImageAttributeReserved),
    ({'min_disk': True}, exception.ImageInvalid),
    ({'properties': {'k': 1}}, exception.ImageInvalid),
    ({'properties': {'': 'v'}}, exception.ImageInvalid),
])
def test_split_values_refuses(values, error):
    with pytest.raises(error):
        meta.split_values(values)


def test_parse_time_filter():
    import datetime
    compare, moment = meta.parse_time_filter(
        'created_at', 'gte:2020-01-02T03:04:05+01:00')
    assert moment == datetime.datetime(2020, 1, 2, 2, 4, 5)
    assert compare(moment, moment) and not compare(
        moment - datetime.timedelta(seconds=1), moment)


@pytest.mark.parametrize('value', ['2020-01-01T00:00:00Z', 'gte:',
                                   'gte:tomorrow', 'about:2020-01-01'])
def test_parse_time_filter_refuses(value):
    with pytest.raises(exception.ImageInvalid):
        meta.parse_time_filter('created_at', value)
