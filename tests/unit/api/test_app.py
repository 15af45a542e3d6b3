"""The WSGI pipeline without a database: versions, auth, routes, faults."""
import json
import logging
import re

import pytest
import webob

from nova.api import app as api_app
from nova.api import router
from nova import exception

REQ_ID = re.compile(r'^req-[0-9a-f-]{36}$')


@pytest.fixture(scope='module')
def app(conf):
    return api_app.loadapp(conf)


def call(app, path, method='GET', token='demo:p1', headers=None, body=None):
    req = webob.Request.blank(path, method=method)
    if token:
        req.headers['X-Auth-Token'] = token
    if body is not None:
        req.body = body if isinstance(body, bytes) else json.dumps(
            body).encode()
        req.content_type = 'application/json'
    req.headers.update(headers or {})
    return req.get_response(app)


def test_root_lists_v21_without_auth(app):
    resp = call(app, '/', token=None)
    assert resp.status_int == 200
    (version,) = resp.json['versions']
    assert version['id'] == 'v2.1' and version['status'] == 'CURRENT'
    assert version['min_version'] == '2.1'
    assert version['version'] == '2.100'
    assert version['links'] == [{'rel': 'self',
                                 'href': 'http://localhost/v2.1/'}]


@pytest.mark.parametrize('path', ['/v2.1', '/v2.1/'])
def test_v21_version_document(app, path):
    resp = call(app, path, token=None)
    assert resp.status_int == 200
    version = resp.json['version']
    assert version['id'] == 'v2.1'
    assert version['links'][0] == {'rel': 'self',
                                   'href': 'http://localhost/v2.1/'}
    assert version['media-types'][0]['type'] == \
        'application/vnd.openstack.compute+json;version=2.1'


@pytest.mark.parametrize('path', ['/identity', '/identity/v3',
                                  '/identity/v3/'])
def test_identity_shim(app, path):
    resp = call(app, path, token=None)
    assert resp.status_int == 200
    version = resp.json['version']
    assert version['id'].startswith('v3.') and version['status'] == 'stable'
    assert version['links'] == [
        {'rel': 'self', 'href': 'http://localhost/identity/v3/'}]


def test_link_prefix_is_applied(services):
    services.conf.set_override('compute_link_prefix',
                               'https://cloud.example/compute', 'api')
    try:
        resp = call(api_app.loadapp(services.conf), '/', token=None)
    finally:
        services.conf.clear_override('compute_link_prefix', 'api')
    assert resp.json['versions'][0]['links'][0]['href'] == \
        'https://cloud.example/compute/v2.1/'


def test_every_response_carries_request_ids(app):
    resp = call(app, '/')
    request_id = resp.headers['x-openstack-request-id']
    assert REQ_ID.match(request_id)
    assert resp.headers['x-compute-request-id'] == request_id
    assert call(app, '/').headers['x-openstack-request-id'] != request_id


@pytest.mark.parametrize('token', [None, '', 'nocolon', 'a:b:c', ':p', 'u:'])
def test_missing_or_ill_formed_token_is_401(app, token):
    resp = call(app, '/v2.1/flavors', token=token)
    assert resp.status_int == 401
    assert resp.json['unauthorized']['code'] == 401
    assert resp.headers['x-openstack-request-id']


def test_unknown_path_is_404_item_not_found(app):
    resp = call(app, '/v2.1/no-such-thing/here/at/all')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404
    assert call(app, '/nowhere').status_int == 404


def test_wrong_method_is_405_with_allow(app):
    resp = call(app, '/v2.1/servers/detail', method='POST', body={})
    assert resp.status_int == 405
    assert resp.json['badMethod']['code'] == 405
    assert resp.headers['Allow'] == 'GET'


def test_unsupported_microversion_is_406(app):
    resp = call(app, '/v2.1/flavors',
                headers={'OpenStack-API-Version': 'compute 2.999'})
    assert resp.status_int == 406
    (kind,) = resp.json
    # Nova names no fault for 406: the generic kind answers.
    assert kind == 'computeFault'
    assert resp.json[kind]['code'] == 406
    assert 'OpenStack-API-Version' not in resp.headers


def test_ill_formed_microversion_is_400(app):
    resp = call(app, '/v2.1/flavors',
                headers={'X-OpenStack-Nova-API-Version': 'two'})
    assert resp.status_int == 400
    assert 'invalid format' in resp.json['badRequest']['message']


def test_call_below_its_microversion_is_404_with_version_headers(app):
    resp = call(app, '/v2.1/flavors/1', method='PUT',
                body={'flavor': {'description': 'x'}},
                headers={'OpenStack-API-Version': 'compute 2.54'})
    assert resp.status_int == 404
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.54'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.54'
    assert 'OpenStack-API-Version' in resp.headers['Vary']


def test_project_id_in_url_must_match_token(app):
    resp = call(app, '/v2.1/other/flavors/detail', token='demo:p1',
                method='POST', body={})
    assert resp.status_int == 405   # the route is known under a project
    resp = call(app, '/v2.1/other/servers/detail')
    assert resp.status_int == 400
    assert "doesn't match" in resp.json['badRequest']['message']


def test_non_json_body_is_415(app):
    resp = call(app, '/v2.1/flavors', method='POST', token='admin:admin',
                body=b'<flavor/>', headers={'Content-Type': 'text/xml'})
    assert resp.status_int == 415
    assert resp.json['badMediaType']['code'] == 415


def test_malformed_json_is_400(app):
    resp = call(app, '/v2.1/flavors', method='POST', token='admin:admin',
                body=b'{"flavor": ')
    assert resp.status_int == 400
    assert 'Malformed request body' in resp.json['badRequest']['message']


def test_non_admin_cannot_create_flavor(app):
    resp = call(app, '/v2.1/flavors', method='POST', body={
        'flavor': {'name': 'f', 'ram': 1, 'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-flavor-manage:create to be "
        "performed.")


# -- the fault middleware on its own ------------------------------------------

def _raising(error):
    def app(environ, start_response):
        environ['nova.api_version'] = (2, 10)
        raise error
    return api_app.RequestId(api_app.Faults(app))


@pytest.mark.parametrize('error,kind', [
    (exception.Invalid('bad'), 'badRequest'),
    (exception.Forbidden('no'), 'forbidden'),
    (exception.FlavorNotFound(flavor_id='x'), 'itemNotFound'),
    (exception.InstanceIsLocked(instance_uuid='u'), 'conflictingRequest'),
    (exception.ServiceUnavailable(), 'serviceUnavailable'),
    (router.MethodNotAllowed(method='PATCH'), 'badMethod'),
])
def test_domain_errors_become_compute_fault_bodies(error, kind):
    resp = webob.Request.blank('/').get_response(_raising(error))
    assert resp.status_int == error.code
    assert resp.json == {kind: {'code': error.code,
                                'message': error.format_message()}}
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.10'


def test_unexpected_error_is_logged_500_with_request_id(caplog):
    caplog.set_level(logging.ERROR)
    resp = webob.Request.blank('/').get_response(
        _raising(KeyError('secret detail')))
    assert resp.status_int == 500
    message = resp.json['computeFault']['message']
    request_id = resp.headers['x-openstack-request-id']
    assert message.startswith('Unexpected API Error.')
    assert request_id in message
    assert 'secret detail' not in message
    record = [r for r in caplog.records if request_id in r.getMessage()][0]
    assert record.exc_info and record.exc_info[0] is KeyError


def test_unsafe_domain_error_hides_its_message():
    error = exception.VirtDriverNotFound(name='secret')
    resp = webob.Request.blank('/').get_response(_raising(error))
    assert resp.status_int == 500
    assert 'secret' not in resp.json['computeFault']['message']


def test_keystone_context_from_auth_token_headers():
    seen = {}

    def inner(environ, start_response):
        seen['ctx'] = environ['nova.context']
        start_response('204 No Content', [])
        return [b'']
    app = api_app.RequestId(api_app.Faults(api_app.KeystoneContext(inner)))
    req = webob.Request.blank('/')
    req.headers.update({'X-User-Id': 'u1', 'X-Project-Id': 'p1',
                        'X-Roles': 'reader, member',
                        'X-Service-Catalog': '[{"type": "image"}]',
                        'X-Identity-Status': 'Confirmed'})
    assert req.get_response(app).status_int == 204
    ctx = seen['ctx']
    assert (ctx.user_id, ctx.project_id) == ('u1', 'p1')
    assert ctx.roles == ['reader', 'member'] and not ctx.is_admin
    assert ctx.service_catalog == [{'type': 'image'}]
    assert ctx.request_id.startswith('req-')
    bad = webob.Request.blank('/')
    bad.headers['X-Identity-Status'] = 'Invalid'
    assert bad.get_response(app).status_int == 401


def test_noauth_roles():
    seen = {}

    def inner(environ, start_response):
        seen['ctx'] = environ['nova.context']
        start_response('204 No Content', [])
        return [b'']
    app = api_app.RequestId(api_app.Faults(api_app.NoAuth(inner)))
    for token, roles, expected, admin in [
            ('demo:p1', None, ['member', 'reader'], False),
            ('demo:p1', 'reader', ['reader'], False),
            ('admin:p1', None, ['member', 'reader', 'admin'], True)]:
        req = webob.Request.blank('/', headers={'X-Auth-Token': token})
        if roles:
            req.headers['X-Roles'] = roles
        assert req.get_response(app).status_int == 204
        assert seen['ctx'].roles == expected
        assert seen['ctx'].is_admin is admin
