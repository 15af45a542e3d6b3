"""A read-only subset of the Image API v2 over nova's image back end.

Enough for clients that resolve ``--image NAME`` through the image
service (openstackclient, openstacksdk). The built-in image service issue
grows this into the full upload/download API.
"""
from nova.api import wsgi
from nova import exception

_V2 = '/v2'
_SORTABLE = ('name', 'created_at', 'updated_at', 'size', 'id', 'status')


class ReadOnly(exception.NovaException):
    msg_fmt = 'Only reading images is supported by this cloud yet.'
    code = 405
    safe = True


def _view(image, prefix):
    body = {
        'id': image['id'], 'name': image['name'], 'status': image['status'],
        'visibility': image.get('visibility', 'public'), 'protected': False,
        'os_hidden': False, 'checksum': image.get('checksum'),
        'os_hash_algo': image.get('os_hash_algo'),
        'os_hash_value': image.get('os_hash_value'),
        'container_format': image.get('container_format'),
        'disk_format': image.get('disk_format'),
        'min_disk': image['min_disk'], 'min_ram': image['min_ram'],
        'size': image.get('size') or None, 'virtual_size': None,
        'owner': image.get('owner'), 'tags': [],
        'created_at': image.get('created_at', '1970-01-01T00:00:00Z'),
        'updated_at': image.get('updated_at', '1970-01-01T00:00:00Z'),
        'self': '%s/images/%s' % (_V2, image['id']),
        'file': '%s/images/%s/file' % (_V2, image['id']),
        'schema': '%s/schemas/image' % _V2,
    }
    for key, value in image.get('properties', {}).items():
        body.setdefault(key, value)
    return body


def index(req):
    images = req.services.image_api.get_all(req.context)
    params = req.GET
    for key in ('name', 'status', 'visibility', 'disk_format',
                'container_format'):
        if key in params:
            images = [i for i in images if str(i.get(key)) == params[key]]
    sort_key = params.get('sort_key', 'created_at')
    if sort_key not in _SORTABLE:
        raise exception.Invalid('Unsupported sort_key %s.' % sort_key)
    images.sort(key=lambda i: str(i.get(sort_key) or ''),
                reverse=params.get('sort_dir', 'desc') == 'desc')
    if 'marker' in params:
        ids = [i['id'] for i in images]
        if params['marker'] not in ids:
            raise exception.Invalid('Marker %s not found.' % params['marker'])
        images = images[ids.index(params['marker']) + 1:]
    body = {'images': [_view(i, _V2) for i in images],
            'first': '%s/images' % _V2, 'schema': '%s/schemas/images' % _V2}
    if 'limit' in params:
        try:
            limit = int(params['limit'])
        except ValueError:
            raise exception.Invalid('limit must be an integer.')
        if limit < 0:
            raise exception.Invalid('limit must be zero or more.')
        if len(images) > limit:
            body['images'] = body['images'][:limit]
            body['next'] = '%s/images?marker=%s&limit=%d' % (
                _V2, images[limit - 1]['id'], limit) if limit else None
    return wsgi.json_response(body)


def show(req, image_id):
    image = req.services.image_api.get(req.context, image_id)
    return wsgi.json_response(_view(image, _V2))


def versions(req):
    url = req.application_url.rstrip('/') + '/v2/'
    return wsgi.json_response({'versions': [
        {'id': 'v2.16', 'status': 'CURRENT',
         'links': [{'rel': 'self', 'href': url}]}]}, status=300
        if req.path_info in ('', '/') else 200)


def route(req):
    """(handler, args) for a path under /image."""
    path = req.path_info.rstrip('/')
    if path in ('', '/v2'):
        return versions, {}
    if req.method not in ('GET', 'HEAD'):
        raise ReadOnly()
    if path == _V2 + '/images':
        return index, {}
    if path.startswith(_V2 + '/images/') and path.count('/') == 3:
        return show, {'image_id': path.rsplit('/', 1)[1]}
    raise exception.NotFound()


def app(environ, start_response):
    req = wsgi.Request(environ)
    handler, args = route(req)
    resp = handler(req, **args)
    return resp(environ, start_response)

