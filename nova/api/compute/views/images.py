"""Image bodies of the compute API's image proxy (the shapes the compute
API reference gives, built from the image facade's dicts)."""
from oslo_utils import strutils

from nova.api.compute.views import links as links_view
from nova.api.compute.views.links import collection_links

COLLECTION = 'images'
ALTERNATE_TYPE = 'application/vnd.openstack.image'
# The compute API's image statuses and progress, from the image service's.
STATUS = {'active': 'ACTIVE', 'queued': 'SAVING', 'saving': 'SAVING',
          'uploading': 'SAVING', 'importing': 'SAVING',
          'deleted': 'DELETED', 'pending_delete': 'DELETED',
          'killed': 'ERROR'}
PROGRESS = {'queued': 25, 'saving': 50, 'active': 100}


def status_filter(status):
    """The image service statuses a compute API status filter means."""
    wanted = status.upper()
    return [k for k, v in STATUS.items() if v == wanted] or [status.lower()]


def _date(value):
    """'2024-05-01T10:00:00.123456Z' or '+00:00' forms as ...:00Z."""
    if not value:
        return None
    text = str(value).replace('+00:00', 'Z')
    if '.' in text:
        text = text.split('.', 1)[0] + 'Z'
    return text if text.endswith('Z') else text + 'Z'


class ImageView:
    def __init__(self, req):
        self.req = req
        self.links = links_view.Links(req)
        self.image_root = _image_service_root(req)

    def _links(self, image_id):
        return self.links.pair(COLLECTION, image_id) + [{
            'rel': 'alternate', 'type': ALTERNATE_TYPE,
            'href': image_url(self.req, image_id, self.image_root)}]

    def basic(self, image):
        return {'id': image['id'], 'name': image.get('name'),
                'links': self._links(image['id'])}

    def detail(self, image):
        properties = dict(image.get('properties') or {})
        body = {
            'id': image['id'],
            'name': image.get('name'),
            'minRam': int(image.get('min_ram') or 0),
            'minDisk': int(image.get('min_disk') or 0),
            'metadata': properties,
            'created': _date(image.get('created_at')),
            'updated': _date(image.get('updated_at')),
            'status': STATUS.get(image.get('status'), 'UNKNOWN'),
            'progress': PROGRESS.get(image.get('status'), 0),
            'OS-EXT-IMG-SIZE:size': image.get('size'),
            'links': self._links(image['id']),
        }
        server_id = properties.get('instance_uuid')
        if server_id is not None:
            body['server'] = {'id': server_id,
                              'links': self.links.pair('servers', server_id)}
        auto_disk_config = properties.get('auto_disk_config')
        if auto_disk_config is not None:
            body['OS-DCF:diskConfig'] = (
                'AUTO' if strutils.bool_from_string(auto_disk_config)
                else 'MANUAL')
        return body

    def show(self, image):
        return {'image': self.detail(image)}

    def index(self, images, detail, max_limit):
        build = self.detail if detail else self.basic
        items = [build(i) for i in images]
        body = {'images': items}
        name = COLLECTION + '/detail' if detail else COLLECTION
        next_link = collection_links(self.req, self.links, items, name,
                                     max_limit)
        if next_link:
            body['images_links'] = next_link
        return body


def image_url(req, image_id, root=None):
    """The image's URL in the image service (the ``alternate`` link and
    createImage's ``Location``)."""
    return '%s/images/%s' % (root or _image_service_root(req), image_id)


def _image_service_root(req):
    """Where clients reach the image service: ``[glance]
    endpoint_override`` when set (Glance, or this API's /image as computes
    reach it), else this API's own /image as the client reached it."""
    override = req.services.conf.glance.endpoint_override
    if override:
        return override.rstrip('/')
    return req.host_url + '/image'
