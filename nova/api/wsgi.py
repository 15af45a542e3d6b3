"""Request and response helpers of the compute API.

Handlers are plain functions ``handler(req, **path_args)`` that return a
:class:`webob.Response` (usually from :func:`json_response`) and raise
domain exceptions; the fault middleware of :mod:`nova.api.app` turns those
into error bodies. Nothing here catches anything.
"""
import datetime
import json

import webob

from nova import exception

JSON_TYPES = ('application/json', 'application/vnd.openstack.compute+json')


class Request(webob.Request):
    """A webob request plus what the middlewares learnt about it."""

    @property
    def context(self):
        return self.environ['nova.context']

    @property
    def api_version(self):
        """The negotiated microversion as a (major, minor) tuple."""
        return self.environ.get('nova.api_version', (2, 1))

    @property
    def services(self):
        """The app's shared collaborators (conf, enforcer, compute API)."""
        return self.environ['nova.services']

    def can(self, action, target=None, fatal=True):
        """Check a policy rule for the caller; 403 when fatal."""
        return self.context.can(self.services.enforcer, action, target,
                                fatal=fatal)

    def json_body(self):
        """The decoded JSON body; 415 for another media type, 400 for a
        body that is not JSON."""
        content_type = self.content_type
        if content_type and content_type not in JSON_TYPES:
            raise UnsupportedMediaType(content_type=content_type)
        if not self.body:
            raise MalformedBody(reason='the body is empty')
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise MalformedBody(reason=str(e))


class UnsupportedMediaType(exception.NovaException):
    msg_fmt = "Unsupported Content-Type %(content_type)s"
    code = 415
    safe = True


class MalformedBody(exception.Invalid):
    msg_fmt = "Malformed request body: %(reason)s"


def isotime(value):
    """A datetime as the API's 'created'/'updated' strings (…Z)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat(timespec='microseconds')
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def dumps(body):
    return json.dumps(body, default=_default,
                      check_circular=False).encode('utf-8')


def json_response(body, status=200, headers=None):
    resp = webob.Response(status=status, content_type='application/json',
                          charset=None)
    resp.body = dumps(body)
    for name, value in headers or ():
        resp.headers[name] = value
    return resp


def empty_response(status):
    resp = webob.Response(status=status, charset=None)
    resp.content_type = None
    return resp
