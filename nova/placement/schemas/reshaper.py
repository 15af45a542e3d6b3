"""Body of POST /reshaper (1.30): every inventory and allocation of the
providers and consumers being moved, in one request."""
import copy

from nova.placement.schemas import allocation
from nova.placement.schemas import inventory

_INVENTORIES = {
    'type': 'object',
    'patternProperties': {'^[0-9a-fA-F-]{36}$': inventory.PUT_ALL},
    'additionalProperties': False,
}


def _body(allocations):
    return {
        'type': 'object',
        'properties': {'inventories': _INVENTORIES,
                       'allocations': copy.deepcopy(allocations)},
        'required': ['inventories', 'allocations'],
        'additionalProperties': False,
    }


POST_1_30 = _body(allocation.POST_1_28)
POST_1_38 = _body(allocation.POST_1_38)
for _schema in (POST_1_30, POST_1_38):
    _schema['properties']['allocations'].pop('minProperties', None)


def post(version):
    return POST_1_38 if version >= (1, 38) else POST_1_30
