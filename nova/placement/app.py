"""The placement WSGI application, built from a ConfigOpts.

Pipeline, outermost first::

    [RequestId]   (nova-api's, when standalone: loadapp)
    Faults        placement's error bodies and version headers
    Dispatch      microversion; ``/`` without auth; the rest through
                  nova-api's auth middleware (noauth2 or keystone), then
                  the route table

Mounted by nova-api under ``/placement`` (nova.api.app.Root) with
:func:`build`; ``nova-placement-api`` serves :func:`loadapp` on a port of
its own.
"""
from oslo_log import log as logging
import webob

from nova import exception
from nova.placement import direct
from nova.placement import handler
from nova.placement import microversion
from nova.placement import policies
from nova.placement import wsgi

LOG = logging.getLogger(__name__)


class NotAcceptable(exception.NotAcceptable):
    msg_fmt = 'Only application/json is provided'


def error_body(environ, status, message, code):
    """Placement's error document (``code`` from microversion 1.23)."""
    error = {'status': status,
             'title': webob.exc.status_map[status].title,
             'detail': message,
             'request_id': environ.get('openstack.request_id')}
    version = environ.get('placement.version')
    if version is not None and version >= (1, 23):
        error['code'] = code
    return {'errors': [error]}


class Faults:
    """Turn every exception into placement's error body, once."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            resp = self.app(environ, start_response)
            return resp
        except exception.NovaException as e:
            resp = self._fault(environ, e)
        except Exception:
            LOG.exception('Unexpected error in placement %s %s (request %s)',
                          environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'),
                          environ.get('openstack.request_id'))
            resp = self._response(environ, 500, 'Unexpected error; the '
                                  'operator can find it in the log by its '
                                  'request id.', 'placement.undefined')
        return resp(environ, start_response)

    def _fault(self, environ, error):
        status = error.code or 500
        if status >= 500 and not error.safe:
            LOG.exception('Placement error in %s %s',
                          environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'))
        message = error.format_message() if error.safe else \
            webob.exc.status_map[status].explanation
        resp = self._response(environ, status, message,
                              getattr(error, 'error_code',
                                      'placement.undefined'))
        if isinstance(error, microversion.UnsupportedVersion):
            # Clients negotiate from these (osc-placement does).
            body = resp.json_body
            body['errors'][0].update(
                min_version=microversion.to_string(microversion.MIN_VERSION),
                max_version=microversion.to_string(microversion.MAX_VERSION))
            resp.json_body = body
        for name, value in (error.headers or {}).items():
            resp.headers[name] = str(value)
        return resp

    @staticmethod
    def _response(environ, status, message, code):
        resp = webob.Response(status=status, content_type='application/json',
                              charset=None)
        resp.json_body = error_body(environ, status, message, code)
        version = environ.get('placement.version')
        if version is not None:
            for name, value in microversion.response_headers(version):
                resp.headers[name] = value
        return resp


class Dispatch:
    """Negotiate the version, authenticate, route, call the handler."""

    def __init__(self, conf, authenticated):
        self.placement = direct.Placement(conf)
        self.enforcer = policies.get_enforcer(conf)
        self.router = handler.Router()
        self.routed = authenticated(self._route)

    def __call__(self, environ, start_response):
        environ['placement.app'] = self
        req = wsgi.Request(environ)
        environ['placement.version'] = microversion.from_headers(req.headers)
        if req.accept and not req.accept.acceptable_offers(
                ['application/json']):
            raise NotAcceptable()
        if req.path_info in ('', '/') and req.method == 'GET':
            return self._route(environ, start_response)
        return self.routed(environ, start_response)

    def _route(self, environ, start_response):
        req = wsgi.Request(environ)
        handler_func, args = self.router.route(req)
        resp = handler_func(req, **args)
        for name, value in microversion.response_headers(req.version):
            resp.headers[name] = value
        return resp(environ, start_response)


def build(conf):
    """The placement app for nova-api's /placement mount (no RequestId:
    nova-api's outer middleware gives the request its id). Authentication
    is nova-api's own (noauth2 or keystonemiddleware)."""
    from nova.api import app as api_app

    def authenticated(app):
        return api_app._authenticated(conf, app)
    return Faults(Dispatch(conf, authenticated))


def loadapp(conf):
    """The standalone placement application (nova-placement-api)."""
    from nova.api import app as api_app
    from nova import objects
    objects.register_all()
    return api_app.RequestId(build(conf))
