"""The whole stack in one process: API -> conductor -> scheduler -> compute.

Real services, real SQLite databases, the in-process fake:// transport and
the fake virt driver; nothing mocked. One stack runs at a time per process
(the object indirection API and the default databases are process-wide).
"""
import json
import time
import uuid

from oslo_serialization import jsonutils
import pytest
import webob

from nova.api import app as api_app
from nova import conf as nova_conf
from nova.db import engines
from nova import embedded
from nova import objects
from nova import rpc

COMPUTE_HOSTS = ('compute1', 'compute2', 'compute3')
IMAGE_ID = '70a599e0-31e7-49b7-b260-868f441e862b'


def make_conf(state_path, **overrides):
    values = dict(embedded.EMBEDDED_DEFAULTS)
    values.update({
        'state_path': str(state_path),
        # A transport of its own, so stacks never see each other's queues.
        'transport_url': 'fake://%s/' % uuid.uuid4().hex,
        'report_interval': 1,
        'periodic_interval': 2,
        'scheduler.discover_hosts_in_cells_interval': 1,
        'rpc_response_timeout': 20,
        'long_rpc_timeout': 30,
    })
    values.update(overrides)
    objects.register_all()
    return nova_conf.build_conf(overrides=values)


class WireSerializer(rpc.RequestContextSerializer):
    """What a real transport does to every argument and result.

    fake:// hands Python objects across as they are, so a datetime, a set
    or a tuple would arrive intact here and as a string or list over
    RabbitMQ. Sending each entity through JSON makes the in-process stack
    see what a multi-process deployment sees.
    """

    def serialize_entity(self, context, entity):
        return jsonutils.loads(jsonutils.dumps(
            super().serialize_entity(context, entity)))


@pytest.fixture(autouse=True, scope='session')
def rpc_as_on_the_wire():
    real = rpc.RequestContextSerializer
    rpc.RequestContextSerializer = WireSerializer
    yield
    rpc.RequestContextSerializer = real


class Stack:
    running = None  # the object indirection and default DBs are global

    def __init__(self, state_path, computes=COMPUTE_HOSTS, **overrides):
        assert Stack.running is None, 'another stack is still running'
        Stack.running = self
        self.conf = make_conf(state_path, **overrides)
        try:
            self.services = embedded.start(self.conf, computes=computes,
                                           api=False, fast_schema=True)
            self.app = api_app.loadapp(self.conf)
        except Exception:
            Stack.running = None
            raise

    def stop(self):
        try:
            self.services.stop()
        finally:
            rpc.cleanup()
            engines.dispose_all()
            Stack.running = None


# A module that builds a stack of its own (a ``stack`` fixture, module
# scope) gets an admin client, a small flavor and a fresh project's user
# on it from these.

@pytest.fixture(scope='module')
def admin(stack):
    return ApiClient(stack.app)


@pytest.fixture(scope='module')
def flavor(admin):
    return admin.create_flavor(ram=64, disk=1)['id']


@pytest.fixture
def user(admin):
    return admin.as_user('demo', uuid.uuid4().hex)


class ApiClient:
    """Talks to the WSGI app in-process, as a given user and project."""

    def __init__(self, app, token='admin:admin', microversion=None):
        self.app = app
        self.token = token
        self.microversion = microversion

    def as_user(self, user, project, microversion=None):
        return ApiClient(self.app, '%s:%s' % (user, project),
                         microversion or self.microversion)

    def request(self, method, path, body=None, headers=None,
                microversion=None):
        if not path.startswith('/'):
            path = '/' + path
        if not path.startswith(('/v2.1', '/identity', '/image')) \
                and path != '/':
            path = '/v2.1' + path
        req = webob.Request.blank(path, method=method)
        req.headers['X-Auth-Token'] = self.token
        req.headers['Accept'] = 'application/json'
        version = microversion or self.microversion
        if version:
            req.headers['OpenStack-API-Version'] = 'compute %s' % version
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        req.headers.update(headers or {})
        return req.get_response(self.app)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body, **kw):
        return self.request('POST', path, body=body, **kw)

    def put(self, path, body, **kw):
        return self.request('PUT', path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    # -- helpers for server tests ----------------------------------------

    def create_flavor(self, name=None, ram=128, vcpus=1, disk=1, **extra):
        body = {'flavor': dict({'name': name or 'f-' + uuid.uuid4().hex[:8],
                                'ram': ram, 'vcpus': vcpus, 'disk': disk},
                               **extra)}
        resp = self.post('/flavors', body)
        assert resp.status_int == 200, resp.text
        return resp.json['flavor']

    def create_server(self, flavor_id, name='vm', image=IMAGE_ID, **extra):
        body = {'server': dict({'name': name, 'flavorRef': flavor_id,
                                'imageRef': image}, **extra)}
        resp = self.post('/servers', body)
        assert resp.status_int == 202, resp.text
        return resp.json.get('server', resp.json)

    def wait_for_status(self, server_id, status, timeout=15):
        deadline = time.monotonic() + timeout
        server = None
        while time.monotonic() < deadline:
            resp = self.get('/servers/%s' % server_id)
            if resp.status_int == 404 and status == 'DELETED':
                return None
            server = resp.json['server']
            if server['status'] == status:
                return server
            time.sleep(0.05)
        raise AssertionError('server %s is %s, not %s, after %ss' % (
            server_id, server and server['status'], status, timeout))

    def wait_for_gone(self, server_id, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.get('/servers/%s' % server_id).status_int == 404:
                return
            time.sleep(0.05)
        raise AssertionError('server %s still exists' % server_id)


@pytest.fixture(scope='module')
def nova_stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp('nova'))
    yield stack
    stack.stop()


@pytest.fixture
def nova_api(nova_stack):
    return ApiClient(nova_stack.app)
