"""Schemas of the image proxy (/images, /images/{id}/metadata) and of
the createImage server action."""
import copy

from nova.api import validation as v

INDEX_QUERY = v.query_schema({
    'limit': v.query_limit,
    'marker': v.query_string,
    'minRam': v.query_limit,
    'minDisk': v.query_limit,
    'changes-since': {'type': 'string', 'format': 'date-time'},
})

METADATA = {'type': 'object', 'properties': {'metadata': v.metadata},
            'required': ['metadata'], 'additionalProperties': False}

_SINGLE = copy.deepcopy(v.metadata)
_SINGLE.update(minProperties=1, maxProperties=1)
META = {'type': 'object', 'properties': {'meta': _SINGLE},
        'required': ['meta'], 'additionalProperties': False}

CREATE_IMAGE = {
    'type': 'object',
    'properties': {'createImage': {
        'type': 'object',
        'properties': {'name': v.name, 'metadata': v.metadata},
        'required': ['name'], 'additionalProperties': False}},
    'required': ['createImage'], 'additionalProperties': False}
