"""JSON schemas of the Image API v2 documents (/v2/schemas/...).

Clients read them to learn the core attributes; additional properties are
strings. The format enums are the store's accepted formats.
"""
from nova.api import wsgi
from nova.image import meta

_LINK = {'type': 'string', 'readOnly': True}
_UUID = ('^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}'
         '-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$')


def _nullable(kind, **extra):
    return dict({'type': ['null', kind]}, **extra)


def image_schema(conf):
    read_only = {'readOnly': True}
    return {
        'name': 'image',
        'additionalProperties': {'type': 'string'},
        'properties': {
            'id': {'type': 'string', 'pattern': _UUID},
            'name': _nullable('string', maxLength=meta.MAX_NAME),
            'status': dict(read_only, type='string',
                           enum=list(meta.STATUSES)),
            'visibility': {'type': 'string',
                           'enum': list(meta.VISIBILITIES)},
            'protected': {'type': 'boolean'},
            'os_hidden': {'type': 'boolean'},
            'owner': _nullable('string', maxLength=255),
            'checksum': _nullable('string', maxLength=32, **read_only),
            'os_hash_algo': _nullable('string', maxLength=64, **read_only),
            'os_hash_value': _nullable('string', maxLength=128,
                                       **read_only),
            'size': _nullable('integer', **read_only),
            'virtual_size': _nullable('integer', **read_only),
            'container_format': _nullable(
                'string', enum=[None] + list(conf.image.container_formats)),
            'disk_format': _nullable(
                'string', enum=[None] + list(conf.image.disk_formats)),
            'created_at': dict(read_only, type='string'),
            'updated_at': dict(read_only, type='string'),
            'tags': {'type': 'array',
                     'items': {'type': 'string', 'maxLength': meta.MAX_TAG}},
            'min_ram': {'type': 'integer'},
            'min_disk': {'type': 'integer'},
            'self': _LINK, 'file': _LINK, 'schema': _LINK,
        },
        'links': [{'rel': 'self', 'href': '{self}'},
                  {'rel': 'enclosure', 'href': '{file}'},
                  {'rel': 'describedby', 'href': '{schema}'}],
    }


def member_schema():
    return {
        'name': 'member',
        'properties': {
            'image_id': {'type': 'string', 'pattern': _UUID},
            'member_id': {'type': 'string'},
            'status': {'type': 'string',
                       'enum': list(meta.MEMBER_STATUSES)},
            'created_at': {'type': 'string'},
            'updated_at': {'type': 'string'},
            'schema': _LINK,
        },
    }


def _collection(name, item_schema, links):
    return {'name': name, 'properties': {
        name: {'type': 'array', 'items': item_schema},
        'schema': {'type': 'string'}, **links},
        'links': [{'rel': 'describedby', 'href': '{schema}'}]}


def image(req):
    return wsgi.json_response(image_schema(req.services.conf))


def images(req):
    links = {'first': {'type': 'string'}, 'next': {'type': 'string'}}
    body = _collection('images', image_schema(req.services.conf), links)
    body['links'] += [{'rel': 'first', 'href': '{first}'},
                      {'rel': 'next', 'href': '{next}'}]
    return wsgi.json_response(body)


def member(req):
    return wsgi.json_response(member_schema())


def members(req):
    return wsgi.json_response(_collection('members', member_schema(), {}))
