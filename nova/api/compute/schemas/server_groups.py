"""Schemas of /os-server-groups: create (a ``policies`` list before 2.64,
``policy`` and ``rules`` from 2.64) and the list query string."""
from nova.api import validation as v

_POLICIES_21 = ['anti-affinity', 'affinity']
POLICIES = _POLICIES_21 + ['soft-anti-affinity', 'soft-affinity']


def _create(properties, required):
    group = {'type': 'object', 'properties': properties,
             'required': required, 'additionalProperties': False}
    return {'type': 'object', 'properties': {'server_group': group},
            'required': ['server_group'], 'additionalProperties': False}


def _policies(names):
    return {'type': 'array', 'items': {'type': 'string', 'enum': names},
            'uniqueItems': True, 'minItems': 1, 'maxItems': 1}


CREATE_V21 = _create({'name': v.name, 'policies': _policies(_POLICIES_21)},
                     ['name', 'policies'])
CREATE_V215 = _create({'name': v.name, 'policies': _policies(POLICIES)},
                      ['name', 'policies'])
CREATE_V264 = _create({
    'name': v.name,
    'policy': {'type': 'string', 'enum': POLICIES},
    'rules': {'type': 'object',
              'properties': {'max_server_per_host': v.positive_integer},
              'additionalProperties': False},
}, ['name', 'policy'])


def create(version):
    if version >= (2, 64):
        return CREATE_V264
    return CREATE_V215 if version >= (2, 15) else CREATE_V21


_QUERY = {'all_projects': v.query_string,
          'limit': v.query_limit,
          'offset': v.query_limit}
QUERY_V21 = v.query_schema(_QUERY, additional=True)
QUERY_V275 = v.query_schema(dict(_QUERY, all_projects=v.query_bool),
                            additional=False)
