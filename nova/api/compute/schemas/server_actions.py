"""Schemas of POST /servers/{server_id}/action, one per action (the whole
body, ``{"<action>": ...}``)."""
from nova.api import validation as v


def _body(action, value_schema):
    return {'type': 'object', 'properties': {action: value_schema},
            'required': [action], 'additionalProperties': False}


# Clients send null ({"pause": null}); an empty object is accepted too.
_NO_ARGUMENTS = {'oneOf': [{'type': 'null'},
                           {'type': 'object', 'maxProperties': 0}]}

_FLAVOR_REF = {'type': ['string', 'integer'], 'minLength': 1}
_ADMIN_PASSWORD = {'type': 'string'}

REBOOT = _body('reboot', {
    'type': 'object',
    'properties': {'type': {'type': 'string',
                            'enum': ['HARD', 'Hard', 'hard',
                                     'SOFT', 'Soft', 'soft']}},
    'required': ['type'], 'additionalProperties': False})

RESIZE = _body('resize', {
    'type': 'object',
    'properties': {'flavorRef': _FLAVOR_REF,
                   'OS-DCF:diskConfig': {'type': 'string',
                                         'enum': ['AUTO', 'MANUAL']}},
    'required': ['flavorRef'], 'additionalProperties': False})

RESCUE = _body('rescue', {
    'type': ['object', 'null'],
    'properties': {'adminPass': _ADMIN_PASSWORD,
                   'rescue_image_ref': v.uuid},
    'additionalProperties': False})

CONSOLE_OUTPUT = _body('os-getConsoleOutput', {
    'type': 'object',
    'properties': {'length': {'type': ['integer', 'string', 'null'],
                              'pattern': '^-?[0-9]+$', 'minimum': -1}},
    'additionalProperties': False})


def no_arguments(action):
    return _body(action, _NO_ARGUMENTS)
