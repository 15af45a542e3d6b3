"""Scheduler hints at server create: validated, stored in the request
spec, shown at 2.100, and obeyed by the scheduler's host filters."""
import json
import uuid

import pytest

from nova import context as nova_context
from nova import objects
from tests.functional.conftest import ApiClient
from tests.functional.conftest import IMAGE_ID


@pytest.fixture(scope='module')
def flavor_id(nova_stack):
    return ApiClient(nova_stack.app).create_flavor()['id']


def _boot(api, flavor_id, hints, key='os:scheduler_hints'):
    return api.post('/servers', {
        'server': {'name': 'h', 'flavorRef': flavor_id, 'imageRef': IMAGE_ID},
        key: hints})


def _spec(server_id):
    return objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), server_id)


def _active_host(api, resp):
    assert resp.status_int == 202, resp.text
    server = api.wait_for_status(resp.json['server']['id'], 'ACTIVE')
    return server['id'], server['OS-EXT-SRV-ATTR:host']


def test_hints_are_stored_and_shown_at_2_100(nova_api, flavor_id):
    query = json.dumps(['>=', '$free_ram_mb', 64])
    other = str(uuid.uuid4())
    resp = _boot(nova_api, flavor_id, {
        'different_host': [other], 'query': query, 'custom': 'x'},
        key='OS-SCH-HNT:scheduler_hints')
    server_id, _host = _active_host(nova_api, resp)
    assert _spec(server_id).scheduler_hints == {
        'different_host': [other], 'query': [query], 'custom': ['x']}
    shown = nova_api.get('/servers/%s' % server_id, microversion='2.100')
    assert shown.json['server']['scheduler_hints'] == {
        'different_host': [other], 'query': [query], 'custom': ['x']}
    nova_api.delete('/servers/%s' % server_id)


@pytest.mark.parametrize('hints,needle', [
    ({'same_host': 'not-a-uuid'}, 'same_host'),
    ({'different_host': ['not-a-uuid']}, "'not-a-uuid' is not a 'uuid'"),
    ({'group': 'x'}, 'group'),
    ({'query': '[">=", "$free_ram_mb"'}, 'not valid JSON'),
    ({'query': '{"a": 1}'}, 'JSON list'),
])
def test_bad_hints_are_400(nova_api, flavor_id, hints, needle):
    resp = _boot(nova_api, flavor_id, hints)
    assert resp.status_int == 400
    assert needle in resp.json['badRequest']['message']


def test_same_host_and_different_host(nova_api, flavor_id):
    first, host = _active_host(nova_api, _boot(nova_api, flavor_id, {}))
    same, same_host = _active_host(
        nova_api, _boot(nova_api, flavor_id, {'same_host': first}))
    assert same_host == host
    apart, apart_host = _active_host(
        nova_api, _boot(nova_api, flavor_id, {'different_host': [first]}))
    assert apart_host != host
    for server_id in (first, same, apart):
        nova_api.delete('/servers/%s' % server_id)
