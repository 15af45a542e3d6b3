"""How the Image API v2 shows images and members.

Additional properties appear as top-level keys beside the core attributes,
as the Image API has it; links are relative (``/v2/...``) like Glance's.
"""
V2 = '/v2'


def image(image):
    body = {
        'id': image['id'], 'name': image['name'], 'status': image['status'],
        'visibility': image['visibility'],
        'protected': bool(image.get('protected')),
        'os_hidden': bool(image.get('os_hidden')),
        'owner': image.get('owner'),
        'checksum': image.get('checksum'),
        'os_hash_algo': image.get('os_hash_algo'),
        'os_hash_value': image.get('os_hash_value'),
        'container_format': image.get('container_format'),
        'disk_format': image.get('disk_format'),
        'min_disk': image.get('min_disk') or 0,
        'min_ram': image.get('min_ram') or 0,
        'size': image.get('size'), 'virtual_size': image.get('virtual_size'),
        'tags': list(image.get('tags') or ()),
        'created_at': image.get('created_at'),
        'updated_at': image.get('updated_at'),
        'self': '%s/images/%s' % (V2, image['id']),
        'file': '%s/images/%s/file' % (V2, image['id']),
        'schema': '%s/schemas/image' % V2,
    }
    for key, value in (image.get('properties') or {}).items():
        body.setdefault(key, value)
    return body


def member(member):
    return {'image_id': member['image_id'], 'member_id': member['member_id'],
            'status': member['status'], 'created_at': member['created_at'],
            'updated_at': member['updated_at'],
            'schema': '%s/schemas/member' % V2}
