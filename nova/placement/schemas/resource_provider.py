"""Bodies of POST and PUT /resource_providers[/{uuid}]."""
import copy

POST_1_0 = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'minLength': 1, 'maxLength': 200},
        'uuid': {'type': 'string', 'format': 'uuid'},
    },
    'required': ['name'],
    'additionalProperties': False,
}
POST_1_14 = copy.deepcopy(POST_1_0)
POST_1_14['properties']['parent_provider_uuid'] = {
    'anyOf': [{'type': 'string', 'format': 'uuid'}, {'type': 'null'}]}

PUT_1_0 = copy.deepcopy(POST_1_0)
del PUT_1_0['properties']['uuid']
PUT_1_14 = copy.deepcopy(PUT_1_0)
PUT_1_14['properties']['parent_provider_uuid'] = \
    POST_1_14['properties']['parent_provider_uuid']


def post(version):
    return POST_1_14 if version >= (1, 14) else POST_1_0


def put(version):
    return PUT_1_14 if version >= (1, 14) else PUT_1_0
