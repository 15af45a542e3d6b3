"""Schemas per microversion and the 400 messages they produce."""
import pytest
import webob

from nova.api.compute.schemas import flavor_extra_specs as spec_schemas
from nova.api.compute.schemas import flavors as flavor_schemas
from nova.api.compute.schemas import servers as server_schemas
from nova.api import validation
from nova import exception

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _error(schema, data, **kw):
    with pytest.raises(exception.ValidationError) as info:
        validation.validate(schema, data, **kw)
    assert info.value.code == 400
    return info.value.format_message()


def _server(version, **server):
    body = {'server': dict({'name': 'vm', 'flavorRef': '1',
                            'imageRef': IMAGE}, **server)}
    validation.validate(server_schemas.create(version), body)


def test_body_error_names_field_value_and_reason():
    message = _error(flavor_schemas.create(False), {'flavor': {
        'name': 'f', 'ram': 'lots', 'vcpus': 1, 'disk': 1}})
    assert message.startswith(
        'Invalid input for field/attribute ram. Value: lots.')


def test_missing_and_unexpected_properties():
    message = _error(flavor_schemas.create(False),
                     {'flavor': {'name': 'f', 'ram': 1, 'vcpus': 1}})
    assert "'disk' is a required property" in message
    message = _error(flavor_schemas.create(False), {'flavor': {
        'name': 'f', 'ram': 1, 'vcpus': 1, 'disk': 1, 'description': 'd'}})
    assert 'Additional properties are not allowed' in message
    validation.validate(flavor_schemas.create(True), {'flavor': {
        'name': 'f', 'ram': 1, 'vcpus': 1, 'disk': 1, 'description': 'd'}})


def test_name_with_surrounding_spaces_is_rejected():
    message = _error(flavor_schemas.create(False), {'flavor': {
        'name': ' f ', 'ram': 1, 'vcpus': 1, 'disk': 1}})
    assert "An invalid 'name' value was provided" in message


def test_query_error_names_the_parameter():
    req = webob.Request.blank('/servers?limit=-3')
    with pytest.raises(exception.ValidationError) as info:
        validation.validate_query(server_schemas.list_query((2, 1)), req)
    assert info.value.format_message().startswith(
        'Invalid input for query parameters limit. Value: -3.')


def test_query_is_closed_from_275():
    req = webob.Request.blank('/servers?bogus=1&name=a')
    params = validation.validate_query(server_schemas.list_query((2, 74)),
                                       req)
    assert params == {'bogus': ['1'], 'name': ['a']}
    with pytest.raises(exception.ValidationError) as info:
        validation.validate_query(server_schemas.list_query((2, 75)), req)
    assert 'bogus' in info.value.format_message()
    req = webob.Request.blank('/flavors?bogus=1')
    validation.validate_query(flavor_schemas.QUERY_V21, req)
    with pytest.raises(exception.ValidationError):
        validation.validate_query(flavor_schemas.QUERY_V275, req)


def test_repeated_query_parameters_are_lists():
    req = webob.Request.blank('/servers?sort_key=display_name&sort_key=uuid'
                              '&sort_dir=asc')
    params = validation.validate_query(server_schemas.list_query((2, 1)),
                                       req)
    assert params['sort_key'] == ['display_name', 'uuid']


@pytest.mark.parametrize('version,ok,bad', [
    ((2, 1), [None, [], [{'uuid': 'n'}]], ['auto']),
    ((2, 37), ['auto', 'none', [{'uuid': 'n'}]], [None, 'all']),
])
def test_networks_window(version, ok, bad):
    for networks in ok:
        kw = {} if networks is None else {'networks': networks}
        _server(version, **kw)
    for networks in bad:
        kw = {} if networks is None else {'networks': networks}
        with pytest.raises(exception.ValidationError):
            _server(version, **kw)


@pytest.mark.parametrize('version,allowed', [
    ((2, 31), False), ((2, 32), True), ((2, 36), True), ((2, 37), False),
    ((2, 41), False), ((2, 42), True), ((2, 100), True)])
def test_network_tag_window(version, allowed):
    networks = [{'uuid': 'n', 'tag': 't'}]
    if allowed:
        _server(version, networks=networks)
    else:
        with pytest.raises(exception.ValidationError):
            _server(version, networks=networks)


@pytest.mark.parametrize('field,value,first', [
    ('description', 'd', (2, 19)),
    ('tags', ['a', 'b'], (2, 52)),
    ('trusted_image_certificates', ['c1'], (2, 63)),
    ('host', 'cmp1', (2, 74)),
    ('hostname', 'my-host', (2, 90)),
])
def test_create_fields_appear_at_their_microversion(field, value, first):
    def boot(version):
        networks = {'networks': 'auto'} if version >= (2, 37) else {}
        _server(version, **{field: value}, **networks)
    with pytest.raises(exception.ValidationError):
        boot((first[0], first[1] - 1))
    boot(first)


def test_personality_is_gone_from_257():
    files = [{'path': '/etc/motd', 'contents': 'aGk='}]
    _server((2, 56), networks='auto', personality=files)
    with pytest.raises(exception.ValidationError):
        _server((2, 57), networks='auto', personality=files)


def test_hostname_fqdn_from_294():
    with pytest.raises(exception.ValidationError):
        _server((2, 93), networks='auto', hostname='vm.example.com')
    _server((2, 94), networks='auto', hostname='vm.example.com')
    with pytest.raises(exception.ValidationError):
        _server((2, 94), networks='auto', hostname='-bad-')


def test_user_data_must_be_base64():
    _server((2, 1), user_data='aGVsbG8=')
    message = _error(server_schemas.create((2, 1)), {'server': {
        'name': 'vm', 'flavorRef': '1', 'user_data': 'not base64!'}})
    assert 'user_data' in message


def test_extra_specs_schemas():
    validation.validate(spec_schemas.CREATE, {'extra_specs': {
        'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 10, 'b': True}})
    message = _error(spec_schemas.CREATE, {'extra_specs': {'bad!key': 'v'}})
    assert 'bad!key' in message
    _error(spec_schemas.UPDATE, {})
