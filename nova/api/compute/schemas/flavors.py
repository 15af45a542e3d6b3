"""Schemas of /flavors: create, update (2.55), tenant access actions and
the list query string (closed to unknown parameters from 2.75)."""
import functools

from nova.api import validation as v

_ID = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
       'pattern': r'^(?! )[a-zA-Z0-9. _-]+(?<! )$'}
_RXTX = {'type': ['number', 'string'],
         'pattern': r'^[0-9]+(\.[0-9]+)?$',
         'minimum': 0, 'exclusiveMinimum': True,
         'maximum': 3.40282e+38}
DESCRIPTION = {'type': ['string', 'null'], 'minLength': 0,
               'maxLength': 65535, 'pattern': r'^[^\x00-\x1f\x7f]*$'}


@functools.lru_cache(maxsize=None)
def create(with_description):
    """POST /flavors; ``description`` from 2.55."""
    flavor = {
        'type': 'object',
        'properties': {
            'name': v.name,
            'id': _ID,
            'ram': v.positive_integer,
            'vcpus': v.positive_integer,
            'disk': v.non_negative_integer,
            'OS-FLV-EXT-DATA:ephemeral': v.non_negative_integer,
            'swap': v.non_negative_integer,
            'rxtx_factor': _RXTX,
            'os-flavor-access:is_public': v.boolean,
        },
        'required': ['name', 'ram', 'vcpus', 'disk'],
        'additionalProperties': False,
    }
    if with_description:
        flavor['properties']['description'] = DESCRIPTION
    return {'type': 'object', 'properties': {'flavor': flavor},
            'required': ['flavor'], 'additionalProperties': False}


UPDATE = {
    'type': 'object',
    'properties': {'flavor': {
        'type': 'object',
        'properties': {'description': DESCRIPTION},
        'required': ['description'],
        'additionalProperties': False}},
    'required': ['flavor'],
    'additionalProperties': False,
}


def _tenant_action(name):
    return {
        'type': 'object',
        'properties': {name: {
            'type': 'object',
            'properties': {'tenant': {'type': 'string', 'minLength': 1,
                                      'maxLength': 255}},
            'required': ['tenant'],
            'additionalProperties': False}},
        'required': [name],
        'additionalProperties': False,
    }


ADD_TENANT_ACCESS = _tenant_action('addTenantAccess')
REMOVE_TENANT_ACCESS = _tenant_action('removeTenantAccess')

SORT_KEYS = ['created_at', 'description', 'disabled', 'ephemeral_gb',
             'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb',
             'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus']
_QUERY = {
    'sort_key': {'type': 'string', 'enum': SORT_KEYS},
    'sort_dir': {'type': 'string', 'enum': ['asc', 'desc']},
    'limit': v.query_limit,
    'marker': v.query_string,
    'is_public': v.query_string,
    'minRam': v.query_string,
    'minDisk': v.query_string,
}
QUERY_V21 = v.query_schema(_QUERY, additional=True)
QUERY_V275 = v.query_schema(_QUERY, additional=False)
