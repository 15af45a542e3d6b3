"""/images: the compute API's proxy to the image service (2.1 - 2.35).

List, detail, show and delete images through the image facade, with the
compute API's image bodies (status ACTIVE/SAVING/..., progress, minDisk,
minRam, metadata, OS-EXT-IMG-SIZE:size, the server of a snapshot). Gone
(404) from 2.36, as in Nova. Who may see or delete an image is the image
service's decision (visibility and ownership), so there is no policy here.

Filters: name, status (a compute API status), changes-since, server,
type (snapshot/backup), minRam, minDisk, property-<key>; paging with limit
and marker. name and properties go to the image service; the rest is
applied here, on the caller's visible images, before paging.
"""
from oslo_utils import timeutils

from nova.api.compute.schemas import images as schemas
from nova.api.compute.views import images as views
from nova.api import microversion
from nova.api import validation
from nova.api import wsgi
from nova import exception

MAX_VERSION = (2, 35)


def proxy(handler):
    """A route entry served from 2.1 to MAX_VERSION only."""
    return (handler, microversion.MIN_VERSION, MAX_VERSION)


class ImageNotFoundForProxy(exception.ImageNotFound):
    msg_fmt = "Image not found."


def get_image(req, image_id):
    """The image, or 404 "Image not found." as Nova says it."""
    try:
        return req.services.image_api.get(req.context, image_id)
    except exception.ImageNotFound:
        raise ImageNotFoundForProxy(image_id=image_id)


# -- list ---------------------------------------------------------------------

def _service_filters(params):
    """Filters the image facade applies: name and properties."""
    filters = {}
    if 'name' in params:
        filters['name'] = validation.last(params, 'name')
    server = validation.last(params, 'server')
    if server:
        filters['instance_uuid'] = server.rstrip('/').rsplit('/', 1)[-1]
    if 'type' in params:
        filters['image_type'] = validation.last(params, 'type')
    for key in params:
        if key.startswith('property-') and len(key) > len('property-'):
            filters[key[len('property-'):]] = validation.last(params, key)
    return filters


def _local_filter(params):
    """A predicate of the filters the image service has no equal for."""
    status = validation.last(params, 'status')
    statuses = views.status_filter(status) if status else None
    min_ram = int(validation.last(params, 'minRam', 0))
    min_disk = int(validation.last(params, 'minDisk', 0))
    since = validation.last(params, 'changes-since')
    since = timeutils.normalize_time(timeutils.parse_isotime(since)) \
        if since else None

    def keep(image):
        if statuses is not None and image.get('status') not in statuses:
            return False
        if int(image.get('min_ram') or 0) < min_ram or \
                int(image.get('min_disk') or 0) < min_disk:
            return False
        if since is not None:
            updated = image.get('updated_at')
            return bool(updated) and timeutils.normalize_time(
                timeutils.parse_isotime(updated)) >= since
        return True
    return keep


def _page(images, marker, limit):
    if marker is not None:
        ids = [i['id'] for i in images]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        images = images[ids.index(marker) + 1:]
    return images[:limit]


def _list(req, detail):
    params = validation.validate_query(schemas.INDEX_QUERY, req)
    max_limit = req.services.conf.api.max_limit
    limit = min(int(validation.last(params, 'limit', max_limit)), max_limit)
    images = req.services.image_api.get_all(
        req.context, filters=_service_filters(params))
    keep = _local_filter(params)
    images = _page([i for i in images if keep(i)],
                   validation.last(params, 'marker'), limit)
    body = views.ImageView(req).index(images, detail, max_limit)
    return wsgi.json_response(body)


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


# -- one image ----------------------------------------------------------------

def show(req, image_id):
    image = get_image(req, image_id)
    return wsgi.json_response(views.ImageView(req).show(image))


def delete(req, image_id):
    try:
        req.services.image_api.delete(req.context, image_id)
    except exception.ImageNotFound:
        raise ImageNotFoundForProxy(image_id=image_id)
    return wsgi.empty_response(204)
