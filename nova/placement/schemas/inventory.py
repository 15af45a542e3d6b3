"""Bodies of the inventory routes."""
import copy

from nova.placement.store.inventories import MAX_INT

_INT = {'type': 'integer', 'maximum': MAX_INT}
BASE = {
    'type': 'object',
    'properties': {
        'resource_provider_generation': {'type': 'integer'},
        'total': dict(_INT, minimum=1),
        'reserved': dict(_INT, minimum=0),
        'min_unit': dict(_INT, minimum=1),
        'max_unit': dict(_INT, minimum=1),
        'step_size': dict(_INT, minimum=1),
        'allocation_ratio': {'type': 'number', 'maximum': 3.40282e+38,
                             'exclusiveMinimum': 0},
    },
    'required': ['total', 'resource_provider_generation'],
    'additionalProperties': False,
}

POST = copy.deepcopy(BASE)
POST['properties']['resource_class'] = {
    'type': 'string', 'pattern': '^[A-Z0-9_]+$'}
POST['required'].append('resource_class')
POST['required'].remove('resource_provider_generation')

_ONE = copy.deepcopy(BASE)
_ONE['required'] = ['total']
del _ONE['properties']['resource_provider_generation']

PUT_ALL = {
    'type': 'object',
    'properties': {
        'resource_provider_generation': {'type': 'integer'},
        'inventories': {
            'type': 'object',
            'patternProperties': {'^[A-Z0-9_]+$': _ONE},
            'additionalProperties': False,
        },
    },
    'required': ['inventories', 'resource_provider_generation'],
    'additionalProperties': False,
}

PUT_ONE = BASE
