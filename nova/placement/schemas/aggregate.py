"""Bodies of PUT /resource_providers/{uuid}/aggregates."""
_LIST = {'type': 'array', 'uniqueItems': True,
         'items': {'type': 'string', 'format': 'uuid'}}

PUT_1_1 = _LIST
PUT_1_19 = {
    'type': 'object',
    'properties': {'aggregates': _LIST,
                   'resource_provider_generation': {'type': 'integer'}},
    'required': ['aggregates', 'resource_provider_generation'],
    'additionalProperties': False,
}


def put(version):
    return PUT_1_19 if version >= (1, 19) else PUT_1_1
