"""The WSGI application of nova-api, built in code from a ConfigOpts.

Pipeline, outermost first::

    RequestId -> Faults -> Root
    Root: /              versions document (no auth)
          /v2.1, /v2.1/  v2.1 version document (no auth)
          /v2.1/...      Auth -> ComputeAPI (microversion, route, handler)
          /identity[/v3] identity v3 version document (no auth), so that
                         openstackclient works without Keystone

``loadapp(conf)`` builds a fresh app from the conf it is given; several
differently-configured apps may live in one process.
"""
import json
import re
import uuid

from keystonemiddleware import auth_token
from oslo_log import log as logging
import webob

from nova.api.compute import versions
from nova.api import microversion
from nova.api.image import router as image_router
from nova.api import router
from nova.api import wsgi
from nova import context as nova_context
from nova import exception
from nova import objects
from nova import policy

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
    404: 'itemNotFound', 405: 'badMethod', 409: 'conflictingRequest',
    413: 'overLimit', 415: 'badMediaType', 429: 'overLimit',
    501: 'notImplemented', 503: 'serviceUnavailable',
}
_REQUEST_ID_RE = re.compile(r'^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-'
                            r'[a-f0-9]{4}-[a-f0-9]{12}$')
DEFAULT_ROLES = ('member', 'reader')


def fault_body(code, message):
    """The compute API's error body for a status code."""
    return {FAULT_NAMES.get(code, 'computeFault'):
            {'code': code, 'message': message}}


class Services:
    """What handlers share: conf, policy enforcer, the compute API."""

    def __init__(self, conf):
        self.conf = conf
        self.enforcer = policy.get_enforcer(conf)
        self._compute_api = None
        self._image_api = None

    @property
    def image_api(self):
        if self._image_api is None:
            from nova.image import api as image_api
            self._image_api = image_api.API(self.conf)
        return self._image_api

    @property
    def compute_api(self):
        # Built on first use: it opens RPC clients, which a flavors-only
        # test app never needs.
        if self._compute_api is None:
            from nova.compute import api as compute_api
            self._compute_api = compute_api.API(self.conf)
        return self._compute_api

    @property
    def aggregate_api(self):
        # Host aggregates and their placement mirror (os-aggregates).
        if getattr(self, '_aggregate_api', None) is None:
            from nova.compute import aggregates
            self._aggregate_api = aggregates.AggregateAPI(self.conf)
        return self._aggregate_api


class RequestId:
    """Give every request an id (req-<uuid>) and return it in headers."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request_id = 'req-%s' % uuid.uuid4()
        environ['openstack.request_id'] = request_id
        incoming = environ.get('HTTP_X_OPENSTACK_REQUEST_ID')
        if incoming and _REQUEST_ID_RE.match(incoming):
            environ['openstack.global_request_id'] = incoming

        def _start_response(status, headers, exc_info=None):
            headers.append(('x-openstack-request-id', request_id))
            headers.append(('x-compute-request-id', request_id))
            return start_response(status, headers, exc_info)
        return self.app(environ, _start_response)


class Faults:
    """Turn every exception into the compute API's error body, once."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except exception.NovaException as e:
            resp = self._nova_fault(environ, e)
        except Exception as e:
            resp = self._unexpected(environ, e)
        version = environ.get('nova.api_version')
        if version is not None:
            for name, value in microversion.response_headers(version):
                resp.headers[name] = value
        return resp(environ, start_response)

    @staticmethod
    def _nova_fault(environ, error):
        code = error.code or 500
        if error.safe:
            message = error.format_message()
        elif code >= 500:
            return Faults._unexpected(environ, error)
        else:
            message = webob.exc.status_map[code].explanation
        LOG.info('%s %s returned with HTTP %d', environ.get('REQUEST_METHOD'),
                 environ.get('PATH_INFO'), code)
        resp = wsgi.json_response(fault_body(code, message), status=code)
        for name, value in (error.headers or {}).items():
            resp.headers[name] = str(value)
        return resp

    @staticmethod
    def _unexpected(environ, error):
        request_id = environ.get('openstack.request_id')
        LOG.exception('Unexpected error in %s %s (request %s)',
                      environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'),
                      request_id)
        message = ('Unexpected API Error. Please report it to the operator '
                   'with request id %s.\n%s' % (request_id, type(error)))
        return wsgi.json_response(fault_body(500, message), status=500)


class Unauthorized(exception.NovaException):
    msg_fmt = 'Authentication required: %(reason)s'
    code = 401
    safe = True


class NoAuth:
    """noauth2: ``X-Auth-Token: user:project``; for tests and all-in-one.

    Roles come from ``X-Roles`` (comma separated) when given, else
    member and reader; the user ``admin`` also gets the admin role.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        token = environ.get('HTTP_X_AUTH_TOKEN', '')
        user_id, sep, project_id = token.partition(':')
        if not sep or not user_id or not project_id or ':' in project_id:
            raise Unauthorized(reason='X-Auth-Token must be "user:project"')
        roles = _split_roles(environ.get('HTTP_X_ROLES')) or \
            list(DEFAULT_ROLES)
        if user_id == 'admin' and 'admin' not in roles:
            roles.append('admin')
        environ['nova.context'] = nova_context.RequestContext(
            user_id=user_id, project_id=project_id, roles=roles,
            auth_token=token, request_id=environ['openstack.request_id'],
            global_request_id=environ.get('openstack.global_request_id'),
            remote_address=environ.get('REMOTE_ADDR'))
        return self.app(environ, start_response)


class KeystoneContext:
    """Build the context from the headers keystonemiddleware sets."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        headers = webob.Request(environ).headers
        user_id = headers.get('X-User-Id') or headers.get('X-User')
        if not user_id or headers.get('X-Identity-Status') == 'Invalid':
            raise Unauthorized(reason='no authenticated user')
        catalog = headers.get('X-Service-Catalog')
        environ['nova.context'] = nova_context.RequestContext(
            user_id=user_id,
            project_id=headers.get('X-Project-Id') or
            headers.get('X-Tenant-Id'),
            roles=_split_roles(headers.get('X-Roles')),
            user_name=headers.get('X-User-Name'),
            project_name=headers.get('X-Project-Name'),
            user_domain_id=headers.get('X-User-Domain-Id'),
            project_domain_id=headers.get('X-Project-Domain-Id'),
            system_scope=headers.get('Openstack-System-Scope'),
            auth_token=headers.get('X-Auth-Token'),
            service_catalog=json.loads(catalog) if catalog else [],
            user_auth_plugin=environ.get('keystone.token_auth'),
            request_id=environ['openstack.request_id'],
            global_request_id=environ.get('openstack.global_request_id'),
            remote_address=environ.get('REMOTE_ADDR'))
        return self.app(environ, start_response)


def _split_roles(value):
    return [r.strip() for r in (value or '').split(',') if r.strip()]


class ComputeAPI:
    """/v2.1: negotiate the microversion, route, call the handler."""

    def __init__(self):
        self.router = router.Router()

    def __call__(self, environ, start_response):
        req = wsgi.Request(environ)
        environ['nova.api_version'] = microversion.from_headers(req.headers)
        handler, args = self.router.route(req)
        resp = handler(req, **args)
        for name, value in microversion.response_headers(req.api_version):
            resp.headers[name] = value
        return resp(environ, start_response)


class Root:
    """Dispatch on the first path segment, as Nova's url map does.

    Another API (placement) mounts here as one more prefix.
    """

    def __init__(self, services, compute_app, image_app, placement_app=None):
        self.services = services
        self.compute_app = compute_app
        self.image_app = image_app
        self.placement_app = placement_app

    def __call__(self, environ, start_response):
        environ['nova.services'] = self.services
        req = wsgi.Request(environ)
        path = req.path_info
        if path in ('', '/'):
            return versions.index(req)(environ, start_response)
        if path == '/identity' or path.startswith('/identity/'):
            req.path_info_pop()
            if req.path_info in ('', '/', '/v3', '/v3/'):
                return versions.identity(req)(environ, start_response)
            raise router.NoSuchRoute()
        if path == '/image' or path.startswith('/image/'):
            req.path_info_pop()
            return self.image_app(environ, start_response)
        if self.placement_app is not None and (
                path == '/placement' or path.startswith('/placement/')):
            # Placement answers with its own error bodies and auth.
            req.path_info_pop()
            return self.placement_app(environ, start_response)
        if path == '/v2.1' or path.startswith('/v2.1/'):
            req.path_info_pop()
            if req.path_info in ('', '/'):
                return versions.show_v21(req)(environ, start_response)
            return self.compute_app(environ, start_response)
        raise router.NoSuchRoute()


def _authenticated(conf, app):
    if conf.api.auth_strategy == 'keystone':
        return auth_token.AuthProtocol(KeystoneContext(app),
                                       {'oslo_config_config': conf})
    return NoAuth(app)


def loadapp(conf):
    """The whole nova-api WSGI application for conf."""
    objects.register_all()
    services = Services(conf)
    compute_app = _authenticated(conf, ComputeAPI())
    image_app = image_router.mounted(_authenticated(conf, image_router.app))
    from nova.placement import app as placement_app
    return RequestId(Faults(Root(services, compute_app, image_app,
                                 placement_app.build(conf))))
