"""Schemas of /os-services updates."""
from nova.api import validation

_REASON = {'type': 'string', 'minLength': 1, 'maxLength': 255,
           'pattern': r'^[^\x00-\x1f\x7f]*$'}

# Before 2.53: PUT /os-services/{enable,disable,disable-log-reason,force-down}
# name the service by host and binary.
LEGACY = {
    'type': 'object',
    'properties': {'host': validation.name, 'binary': validation.name,
                   'disabled_reason': _REASON,
                   'forced_down': validation.boolean},
    'required': ['host', 'binary'], 'additionalProperties': False}

# 2.53+: PUT /os-services/{service uuid}.
UPDATE = {
    'type': 'object',
    'properties': {'status': {'type': 'string',
                              'enum': ['enabled', 'disabled']},
                   'disabled_reason': _REASON,
                   'forced_down': validation.boolean},
    'additionalProperties': False}
