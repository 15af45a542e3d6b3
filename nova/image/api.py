"""The image interface the REST layer and computes use.

Until the built-in image service lands, the only back end is ``static``:
images the operator lists in ``[image] known_images``.
"""
from nova import exception


def _parse_known_image(line):
    parts = line.split(':', 2)
    if len(parts) < 2:
        raise ValueError('known_images entry %r is not uuid:name[:props]'
                         % line)
    image_id, name = parts[0].strip(), parts[1].strip()
    props = {}
    if len(parts) == 3 and parts[2].strip():
        for pair in parts[2].split(','):
            key, _, value = pair.partition('=')
            props[key.strip()] = value.strip()
    image = {'id': image_id, 'name': name,
             'status': props.pop('status', 'active'),
             'min_ram': int(props.pop('min_ram', 0) or 0),
             'min_disk': int(props.pop('min_disk', 0) or 0),
             'size': int(props.pop('size', 0) or 0),
             'disk_format': props.pop('disk_format', 'qcow2'),
             'container_format': props.pop('container_format', 'bare'),
             'visibility': 'public', 'properties': props}
    return image_id, image


class StaticImageBackend:
    def __init__(self, conf):
        self._images = dict(_parse_known_image(line)
                            for line in conf.image.known_images)

    def get(self, context, image_id):
        try:
            return dict(self._images[image_id])
        except KeyError:
            raise exception.ImageNotFound(image_id=image_id)

    def get_all(self, context):
        return [dict(i) for i in self._images.values()]


class API:
    """Facade over the configured back end."""

    def __init__(self, conf):
        self._backend = StaticImageBackend(conf)

    def get(self, context, image_id):
        """Image metadata as a dict (id, name, status, min_ram, min_disk,
        size, disk_format, container_format, visibility, properties).
        Raises ImageNotFound."""
        return self._backend.get(context, image_id)

    def get_all(self, context):
        return self._backend.get_all(context)
