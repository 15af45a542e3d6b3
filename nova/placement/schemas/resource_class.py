"""Bodies of POST /resource_classes and PUT (1.2-1.6) of one class."""
CUSTOM_CLASS = '^CUSTOM_[A-Z0-9_]+$'

NAME = {
    'type': 'object',
    'properties': {'name': {'type': 'string', 'pattern': CUSTOM_CLASS,
                            'maxLength': 255}},
    'required': ['name'],
    'additionalProperties': False,
}
