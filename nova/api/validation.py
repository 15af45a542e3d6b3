"""JSON-schema validation of request bodies and query strings.

A failure is a 400 whose message names the field, the value and the
reason: ``Invalid input for field/attribute ram. Value: abc. 'abc' is not
of type 'integer', 'string'`` (bodies) or ``Invalid input for query
parameters limit. Value: x. ...`` (query strings).

Query strings are validated as ``{name: [value, ...]}`` because a parameter
may repeat (``sort_key=a&sort_key=b``); :func:`query_param` wraps a value
schema accordingly.
"""
import base64
import binascii
import functools
import ipaddress
import unicodedata

import jsonschema
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova import exception

_FORMATS = jsonschema.FormatChecker(formats=())


class InvalidName(Exception):
    """Raised by the 'name' formats; its text becomes the 400 message."""


@_FORMATS.checks('uuid')
def _uuid(value):
    return not isinstance(value, str) or uuidutils.is_uuid_like(value)


@_FORMATS.checks('date-time', raises=ValueError)
def _date_time(value):
    if isinstance(value, str):
        timeutils.parse_isotime(value)
    return True


@_FORMATS.checks('ipv4')
def _ipv4(value):
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


@_FORMATS.checks('ipv6')
def _ipv6(value):
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


@_FORMATS.checks('base64')
def _base64(value):
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _printable(value):
    return all(unicodedata.category(c)[0] != 'C' for c in value)


@_FORMATS.checks('name', raises=InvalidName)
def _name(value):
    if isinstance(value, str) and (
            not _printable(value) or value != value.strip()):
        raise InvalidName(
            "An invalid 'name' value was provided. The name must be: "
            "printable characters. Can not start or end with whitespace.")
    return True


@_FORMATS.checks('name_with_leading_trailing_spaces', raises=InvalidName)
def _name_with_spaces(value):
    if isinstance(value, str) and (not _printable(value) or
                                   not value.strip()):
        raise InvalidName(
            "An invalid 'name' value was provided. The name must be: "
            "printable characters with at least one non space character")
    return True


@functools.lru_cache(maxsize=None)
def _validator(schema_key):
    schema = _SCHEMAS[schema_key]
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=_FORMATS)


_SCHEMAS = {}


def _compiled(schema):
    key = id(schema)
    _SCHEMAS.setdefault(key, schema)
    return _validator(key)


def _message(error, is_body):
    if isinstance(error.cause, InvalidName):
        return str(error.cause)
    path = list(error.absolute_path)
    if not path:
        return error.message
    if is_body:
        field = path[-1]
        where = 'field/attribute'
    else:
        field = path[0]
        where = 'query parameters'
    return 'Invalid input for %s %s. Value: %s. %s' % (
        where, field, error.instance, error.message)


def validate(schema, data, is_body=True):
    """Raise ValidationError (400) unless data matches schema.

    Schemas are module-level constants (or cached per microversion), so
    each is compiled once for the life of the process.
    """
    validator = _compiled(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise exception.ValidationError(message=_message(error, is_body))


def validate_query(schema, req):
    """Validate req's query string; return it as {name: [values]}."""
    params = {}
    for key, value in req.GET.items():
        params.setdefault(key, []).append(value)
    validate(schema, params, is_body=False)
    return params


def query_param(value_schema):
    """A query parameter that may repeat, each value matching value_schema."""
    return {'type': 'array', 'items': value_schema}


def query_schema(properties, additional=True):
    return {'type': 'object',
            'properties': {name: query_param(value) for name, value in
                           properties.items()},
            'additionalProperties': additional}


# Shared value schemas ------------------------------------------------------

DB_INT_MAX = 2 ** 31 - 1

positive_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$',
    'minimum': 1, 'minLength': 1, 'maximum': DB_INT_MAX}
non_negative_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$',
    'minimum': 0, 'minLength': 1, 'maximum': DB_INT_MAX}
boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES',
             'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF',
             'Off', 'off', 'NO', 'No', 'no']}
name = {'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name'}
description = {'type': ['string', 'null'], 'minLength': 0,
               'maxLength': 255, 'pattern': r'^[^\x00-\x1f\x7f]*$'}
uuid = {'type': 'string', 'format': 'uuid'}
metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255}},
    'additionalProperties': False}
query_limit = {'type': 'string', 'pattern': '^[0-9]+$'}
query_string = {'type': 'string'}
query_bool = {'type': 'string',
              'pattern': '(?i)^(true|false|t|f|yes|no|y|n|on|off|1|0)$'}

_TRUE = frozenset(['1', 't', 'true', 'on', 'y', 'yes'])


def to_bool(value):
    """A validated boolean (JSON or string form) as a bool."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def last(params, name, default=None):
    """The last value of a repeated query parameter."""
    values = params.get(name)
    return values[-1] if values else default
