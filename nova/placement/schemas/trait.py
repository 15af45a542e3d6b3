"""Bodies of the trait routes."""
CUSTOM_TRAIT = '^CUSTOM_[A-Z0-9_]+$'

PUT_PROVIDER_TRAITS = {
    'type': 'object',
    'properties': {
        'traits': {'type': 'array', 'uniqueItems': True,
                   'items': {'type': 'string', 'minLength': 1,
                             'maxLength': 255}},
        'resource_provider_generation': {'type': 'integer'},
    },
    'required': ['traits', 'resource_provider_generation'],
    'additionalProperties': False,
}
