"""Schemas of /os-aggregates: create, update and the three actions."""
from nova.api import validation as v

# A zone name is a name without ':' (the "zone:host" form of server
# create would be ambiguous otherwise).
AZ_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
           'format': 'name', 'pattern': '^[^:]*$'}
_AZ = {'oneOf': [AZ_NAME, {'type': 'null'}]}
_HOST = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': '^[a-zA-Z0-9-._]*$'}


def _wrapped(key, properties, required, **extra):
    inner = dict({'type': 'object', 'properties': properties,
                  'additionalProperties': False}, **extra)
    if required:
        inner['required'] = required
    return {'type': 'object', 'properties': {key: inner},
            'required': [key], 'additionalProperties': False}


CREATE = _wrapped('aggregate', {'name': v.name, 'availability_zone': _AZ},
                  ['name'])
UPDATE = _wrapped('aggregate', {'name': v.name, 'availability_zone': _AZ},
                  [], anyOf=[{'required': ['name']},
                             {'required': ['availability_zone']}])
ADD_HOST = _wrapped('add_host', {'host': _HOST}, ['host'])
REMOVE_HOST = _wrapped('remove_host', {'host': _HOST}, ['host'])
SET_METADATA = _wrapped('set_metadata', {'metadata': {
    'type': 'object',
    'patternProperties': {'^[a-zA-Z0-9-_:. ]{1,255}$': {
        'type': ['string', 'null'], 'maxLength': 255}},
    'additionalProperties': False}}, ['metadata'])
CACHE_IMAGES = {
    'type': 'object',
    'properties': {'cache': {
        'type': 'array', 'minItems': 1,
        'items': {'type': 'object', 'properties': {'id': v.uuid},
                  'required': ['id'], 'additionalProperties': False}}},
    'required': ['cache'], 'additionalProperties': False}
