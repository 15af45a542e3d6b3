"""The one route table of the Image API v2 (everything under /image), and
the WSGI app that dispatches it with Glance's error bodies.

Mounted by nova-api under ``/image`` (nova/api/app.py) and served alone by
nova-image-api (:func:`loadapp`). A path that matches no row is a 404, a
known path with another method a 405 carrying ``Allow``.
"""
import re
from urllib import parse

from oslo_log import log as logging
import webob

from nova.api.image import image_data
from nova.api.image import images
from nova.api.image import members
from nova.api.image import schemas
from nova.api.image import tags
from nova.api.image import versions
from nova.api import wsgi
from nova import exception

LOG = logging.getLogger(__name__)

_IMAGE = '/v2/images/{image_id}'

ROUTES = [
    ('', {'GET': versions.multiple_choices}),
    ('/versions', {'GET': versions.index}),
    ('/v2', {'GET': versions.index}),
    ('/v2/images', {'GET': images.index, 'POST': images.create}),
    (_IMAGE, {'GET': images.show, 'PATCH': images.update,
              'DELETE': images.delete}),
    (_IMAGE + '/file', {'GET': image_data.download,
                        'PUT': image_data.upload}),
    (_IMAGE + '/actions/deactivate', {'POST': images.deactivate}),
    (_IMAGE + '/actions/reactivate', {'POST': images.reactivate}),
    (_IMAGE + '/tags/{tag}', {'PUT': tags.add, 'DELETE': tags.delete}),
    (_IMAGE + '/members', {'GET': members.index, 'POST': members.create}),
    (_IMAGE + '/members/{member_id}', {'GET': members.show,
                                       'PUT': members.update,
                                       'DELETE': members.delete}),
    ('/v2/schemas/image', {'GET': schemas.image}),
    ('/v2/schemas/images', {'GET': schemas.images}),
    ('/v2/schemas/member', {'GET': schemas.member}),
    ('/v2/schemas/members', {'GET': schemas.members}),
]


def _compile(template):
    pattern = re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', template)
    return re.compile('^%s/?$' % pattern)


_TABLE = [(_compile(path), methods) for path, methods in ROUTES]


class MethodNotAllowed(exception.NovaException):
    msg_fmt = "The method %(method)s is not allowed for this resource."
    code = 405
    safe = True


def route(req):
    """(handler, path_args) for req; raises 404/405."""
    path = req.path_info
    for pattern, methods in _TABLE:
        match = pattern.match(path)
        if match is None:
            continue
        method = 'GET' if req.method == 'HEAD' else req.method
        if method not in methods:
            error = MethodNotAllowed(method=req.method)
            error.headers = {'Allow': ', '.join(sorted(methods))}
            raise error
        args = {k: parse.unquote(v) for k, v in match.groupdict().items()}
        return methods[method], args
    raise exception.NotFound('Not found: %s' % path)


def error_response(code, message, headers=None):
    """Glance's error body: webob's JSON error document."""
    known = webob.exc.status_map.get(code)
    title = known.title if known else 'Error'
    resp = wsgi.json_response({'code': '%d %s' % (code, title),
                               'title': title, 'message': message},
                              status=code)
    for name, value in (headers or {}).items():
        resp.headers[name] = str(value)
    return resp


def _fault(environ, error):
    if isinstance(error, exception.NovaException):
        code = error.code or 500
        if code < 500 or error.safe:
            LOG.info('%s %s returned with HTTP %d: %s',
                     environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'),
                     code, error.format_message())
            message = error.format_message() if error.safe else \
                webob.exc.status_map[code].explanation
            return error_response(code, message, error.headers)
    request_id = environ.get('openstack.request_id')
    LOG.exception('Unexpected error in %s %s (request %s)',
                  environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'),
                  request_id)
    return error_response(500, 'Unexpected error; please report it to the '
                          'operator with request id %s.' % request_id)


class Faults:
    """Turn exceptions into Glance's error bodies (outside auth too)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except Exception as error:
            return _fault(environ, error)(environ, start_response)


def app(environ, start_response):
    """The Image API v2 itself; PATH_INFO is relative to the mount."""
    req = wsgi.Request(environ)
    handler, args = route(req)
    resp = handler(req, **args)
    return resp(environ, start_response)


def _is_version_document(path):
    return path in ('', '/', '/versions', '/versions/', '/v2', '/v2/')


def mounted(authenticated_app):
    """Faults outside the auth, and the version documents without a token
    (clients discover versions before they authenticate)."""
    def dispatch(environ, start_response):
        if _is_version_document(environ.get('PATH_INFO', '')):
            return app(environ, start_response)
        return authenticated_app(environ, start_response)
    return Faults(dispatch)


def loadapp(conf):
    """nova-image-api's whole WSGI app: request ids, faults, auth."""
    from nova.api import app as api_app
    from nova import objects
    objects.register_all()
    services = api_app.Services(conf)

    def with_services(environ, start_response):
        environ['nova.services'] = services
        return inner(environ, start_response)
    inner = mounted(api_app._authenticated(conf, app))
    return api_app.RequestId(with_services)
