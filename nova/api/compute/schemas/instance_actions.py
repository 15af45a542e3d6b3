"""Query strings of GET /servers/{server_id}/os-instance-actions.

Before 2.58 anything goes (and is ignored); 2.58 allows only limit, marker
and changes-since, each at most once; 2.66 adds changes-before.
"""
from nova.api import validation as v


def _single(value_schema):
    return dict(v.query_param(value_schema), maxItems=1)


_TIME = {'type': 'string', 'format': 'date-time'}
_V258 = {'limit': v.non_negative_integer, 'marker': {'type': 'string'},
         'changes-since': _TIME}

LIST_QUERY_V21 = {'type': 'object', 'additionalProperties': True}
LIST_QUERY_V258 = {
    'type': 'object',
    'properties': {k: _single(s) for k, s in _V258.items()},
    'additionalProperties': False}
LIST_QUERY_V266 = {
    'type': 'object',
    'properties': {k: _single(s) for k, s in
                   dict(_V258, **{'changes-before': _TIME}).items()},
    'additionalProperties': False}


def list_query(version):
    if version >= (2, 66):
        return LIST_QUERY_V266
    return LIST_QUERY_V258 if version >= (2, 58) else LIST_QUERY_V21
