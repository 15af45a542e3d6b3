"""Schemas of /flavors/{flavor_id}/os-extra_specs."""

KEY_PATTERN = '^[a-zA-Z0-9-_:. /]{1,255}$'
VALUE = {'type': ['string', 'number', 'boolean'], 'minLength': 0,
         'maxLength': 255}
_SPECS = {'type': 'object', 'patternProperties': {KEY_PATTERN: VALUE},
          'additionalProperties': False}

CREATE = {'type': 'object', 'properties': {'extra_specs': _SPECS},
          'required': ['extra_specs'], 'additionalProperties': False}
UPDATE = dict(_SPECS, minProperties=1)
