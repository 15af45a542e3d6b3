"""Bodies of PUT /allocations/{consumer}, POST /allocations, by version."""
import copy

_RESOURCES = {
    'type': 'object', 'minProperties': 1,
    'patternProperties': {'^[0-9A-Z_]+$': {'type': 'integer', 'minimum': 1}},
    'additionalProperties': False,
}
_OWNER = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_UUID = {'type': 'string', 'format': 'uuid'}
_CONSUMER_GENERATION = {'type': ['integer', 'null'], 'minimum': 0}
_CONSUMER_TYPE = {'type': 'string', 'pattern': '^[A-Z0-9_]+$',
                  'minLength': 1, 'maxLength': 255}

# 1.0-1.11: a list of {resource_provider: {uuid}, resources}.
PUT_1_0 = {
    'type': 'object',
    'properties': {
        'allocations': {
            'type': 'array', 'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {
                    'resource_provider': {
                        'type': 'object',
                        'properties': {'uuid': _UUID},
                        'required': ['uuid'],
                        'additionalProperties': False},
                    'resources': _RESOURCES,
                },
                'required': ['resource_provider', 'resources'],
                'additionalProperties': False,
            },
        },
        'project_id': _OWNER,
        'user_id': _OWNER,
    },
    'required': ['allocations'],
    'additionalProperties': False,
}
PUT_1_8 = copy.deepcopy(PUT_1_0)
PUT_1_8['required'] += ['project_id', 'user_id']

# 1.12+: a dict keyed by provider uuid.
_BY_PROVIDER = {
    'type': 'object',
    'patternProperties': {
        '^[0-9a-fA-F-]{36}$': {
            'type': 'object',
            'properties': {'generation': {'type': 'integer'},
                           'resources': _RESOURCES},
            'required': ['resources'],
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}
PUT_1_12 = {
    'type': 'object',
    'properties': {
        'allocations': dict(_BY_PROVIDER, minProperties=1),
        'project_id': _OWNER,
        'user_id': _OWNER,
    },
    'required': ['allocations', 'project_id', 'user_id'],
    'additionalProperties': False,
}
PUT_1_28 = copy.deepcopy(PUT_1_12)
PUT_1_28['properties']['consumer_generation'] = _CONSUMER_GENERATION
PUT_1_28['required'].append('consumer_generation')
PUT_1_38 = copy.deepcopy(PUT_1_28)
PUT_1_38['properties']['consumer_type'] = _CONSUMER_TYPE
PUT_1_38['required'].append('consumer_type')


def put(version):
    for since, schema in (((1, 38), PUT_1_38), ((1, 28), PUT_1_28),
                          ((1, 12), PUT_1_12), ((1, 8), PUT_1_8)):
        if version >= since:
            return schema
    return PUT_1_0


def _post(put_schema):
    """POST /allocations: {consumer uuid: PUT body}; an empty allocations
    dict removes that consumer's allocations."""
    one = copy.deepcopy(put_schema)
    one['properties']['allocations'].pop('minProperties', None)
    return {
        'type': 'object', 'minProperties': 1,
        'patternProperties': {'^[0-9a-fA-F-]{36}$': one},
        'additionalProperties': False,
    }


POST_1_13 = _post(PUT_1_12)
POST_1_28 = _post(PUT_1_28)
POST_1_38 = _post(PUT_1_38)


def post(version):
    if version >= (1, 38):
        return POST_1_38
    return POST_1_28 if version >= (1, 28) else POST_1_13
