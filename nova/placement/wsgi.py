"""Requests and responses of the placement REST API.

Handlers are ``handler(req, **path_args) -> webob.Response``; they raise
domain exceptions and the fault layer of :mod:`nova.placement.app` turns
them into placement's error bodies.
"""
import datetime
import json

import jsonschema
from oslo_utils import uuidutils
import webob

from nova import exception
from nova.placement.store import tables

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks('uuid')
def _uuid(value):
    return not isinstance(value, str) or uuidutils.is_uuid_like(value)


class UnsupportedMediaType(exception.NovaException):
    msg_fmt = 'The media type %(content_type)s is not supported, use ' \
        'application/json'
    code = 415
    safe = True


class Request(webob.Request):
    """A webob request plus what the placement app learnt about it."""

    @property
    def context(self):
        return self.environ['nova.context']

    @property
    def version(self):
        return self.environ['placement.version']

    @property
    def placement(self):
        """The app's nova.placement.direct.Placement."""
        return self.environ['placement.app'].placement

    @property
    def db(self):
        return self.placement.db

    def can(self, action, target=None):
        """Check a policy rule; 403 if the caller may not."""
        target = target or {'project_id': self.context.project_id,
                            'user_id': self.context.user_id}
        self.context.can(self.environ['placement.app'].enforcer, action,
                         target)

    def read(self, func):
        """func(session) in a reader transaction."""
        with self.db.reader(self.context) as session:
            return func(session)

    def write(self, func):
        """func(session) in a writer transaction, retried whole when it
        lost a lock or generation race to another writer."""
        @tables.retry_on_contention
        def run():
            with self.db.writer(self.context) as session:
                return func(session)
        return run()

    def validated_body(self, schema):
        """The JSON body checked against schema; 400/415 otherwise."""
        if self.content_type != 'application/json':
            raise UnsupportedMediaType(content_type=self.content_type or
                                       'None')
        try:
            body = json.loads(self.body)
        except ValueError as e:
            raise exception.Invalid(
                reason='Malformed JSON: %s' % e)
        validate(schema, body)
        return body

    def url(self, path):
        """path under this app's mount point (/placement when mounted)."""
        return self.script_name + path


def validate(schema, data):
    validator = jsonschema.Draft7Validator(schema, format_checker=_FORMATS)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise exception.Invalid(
            reason='JSON does not validate: %s' % error.message)


def _as_utc(value):
    """Database timestamps are naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


def json_response(req, body, status=200, last_modified=None):
    """A JSON response; from 1.15, GETs say when the data last changed."""
    resp = webob.Response(status=status, content_type='application/json',
                          charset=None)
    resp.body = json.dumps(body).encode('utf-8')
    if req.version >= (1, 15) and req.method == 'GET':
        resp.last_modified = _as_utc(
            last_modified or tables.now())
        resp.cache_control = 'no-cache'
    return resp


def no_content(status=204):
    resp = webob.Response(status=status, charset=None)
    resp.content_type = None
    return resp


def latest(*rows):
    """The newest updated_at/created_at of rows (for Last-Modified)."""
    stamps = [row.get('updated_at') or row.get('created_at')
              for row in rows if row]
    stamps = [s for s in stamps if s]
    return max(stamps) if stamps else None
