"""Placement as nova-api serves it (/placement) and as nova-placement-api
serves it on a port of its own; the in-process interface and the REST API
see the same data."""
import json
import urllib.request
import uuid

import pytest
import webob

from nova.api import app as api_app
from nova.cmd import placement_api
from nova import conf as nova_conf
from nova import context as nova_context
from nova.db import engines
from nova.db import migration
from nova.placement import direct


@pytest.fixture
def conf(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'api.sqlite')
    migration.create_schema(url, 'api')
    conf = nova_conf.build_conf(overrides={
        'api_database.connection': url, 'placement_api.port': 0})
    yield conf
    engines.get_engine(url).dispose()


def call(app, path, token='admin:admin', version='placement 1.39',
         method='GET', body=None):
    req = webob.Request.blank(path, method=method)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = version
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = 'application/json'
    return req.get_response(app)


def test_nova_api_serves_placement_under_its_prefix(conf):
    app = api_app.loadapp(conf)
    rp = str(uuid.uuid4())
    direct.Placement(conf).sync_provider(
        nova_context.get_admin_context(), rp, 'compute1',
        {'VCPU': {'total': 4}}, {'COMPUTE_STATUS_DISABLED'})

    root = call(app, '/placement/', token='')
    assert root.status_int == 200
    assert root.json['versions'][0]['max_version'] == '1.39'

    listed = call(app, '/placement/resource_providers')
    assert listed.status_int == 200, listed.text
    [provider] = listed.json['resource_providers']
    assert provider['uuid'] == rp and provider['generation'] == 1
    assert provider['links'][0]['href'] == \
        '/placement/resource_providers/%s' % rp
    assert listed.headers['OpenStack-API-Version'] == 'placement 1.39'
    assert listed.headers['x-openstack-request-id'].startswith('req-')

    inventory = call(app, '/placement/resource_providers/%s/inventories'
                     % rp)
    assert inventory.json['inventories']['VCPU']['total'] == 4

    # Placement's error format, not the compute API's.
    missing = call(app, '/placement/resource_providers/%s' % uuid.uuid4())
    assert missing.status_int == 404
    assert missing.json['errors'][0]['code'] == \
        'placement.resource_provider.not_found'
    assert call(app, '/placement/resource_providers',
                token='').status_int == 401
    assert call(app, '/placement/resource_providers',
                token='demo:demo').status_int == 403


def test_rest_writes_are_seen_in_process(conf):
    app = api_app.loadapp(conf)
    rp, consumer = str(uuid.uuid4()), str(uuid.uuid4())
    assert call(app, '/placement/resource_providers', method='POST',
                body={'name': 'h', 'uuid': rp}).status_int == 200
    assert call(app, '/placement/resource_providers/%s/inventories' % rp,
                method='PUT', body={
                    'resource_provider_generation': 0,
                    'inventories': {'MEMORY_MB': {'total': 1024}}}
                ).status_int == 200
    assert call(app, '/placement/allocations/%s' % consumer, method='PUT',
                body={'allocations': {rp: {'resources': {'MEMORY_MB': 64}}},
                      'project_id': 'p', 'user_id': 'u',
                      'consumer_generation': None,
                      'consumer_type': 'INSTANCE'}).status_int == 204
    placement = direct.Placement(conf)
    ctx = nova_context.get_admin_context()
    assert placement.get_allocations(ctx, consumer)['allocations'] == {
        rp: {'MEMORY_MB': 64}}
    assert placement.usages(ctx, 'p') == {'MEMORY_MB': 64}


def test_nova_placement_api_serves_http(conf):
    server = placement_api.start_placement_api(conf)
    try:
        base = 'http://127.0.0.1:%d' % server.port
        with urllib.request.urlopen(base + '/') as resp:
            assert json.load(resp)['versions'][0]['id'] == 'v1.0'
        req = urllib.request.Request(base + '/resource_providers',
                                     headers={'X-Auth-Token': 'admin:admin'})
        with urllib.request.urlopen(req) as resp:
            assert json.load(resp) == {'resource_providers': []}
            assert resp.headers['OpenStack-API-Version'] == 'placement 1.0'
    finally:
        server.stop()
