"""What an image is, whichever back end holds it.

The attribute names, which ones a client may set, and checks of the values
(shared by the store and the REST layer, so both say the same 400/403).
"""
import operator

from oslo_utils import timeutils

from nova import exception

STATUSES = ('queued', 'saving', 'active', 'killed', 'deleted',
            'pending_delete', 'deactivated', 'uploading', 'importing')
VISIBILITIES = ('public', 'private', 'shared', 'community')
MEMBER_STATUSES = ('pending', 'accepted', 'rejected')

# Keys of every image dict the facade returns.
IMAGE_KEYS = ('id', 'name', 'status', 'visibility', 'owner', 'protected',
              'os_hidden', 'min_ram', 'min_disk', 'size', 'virtual_size',
              'disk_format', 'container_format', 'checksum', 'os_hash_algo',
              'os_hash_value', 'created_at', 'updated_at', 'tags',
              'properties')

# Attributes a client may set at create and change later.
WRITABLE = ('name', 'visibility', 'protected', 'os_hidden', 'min_ram',
            'min_disk', 'disk_format', 'container_format', 'owner', 'tags')
# Attributes only the service sets: changing one is 403.
READ_ONLY = ('id', 'status', 'checksum', 'os_hash_algo', 'os_hash_value',
             'size', 'virtual_size', 'created_at', 'updated_at', 'self',
             'file', 'schema', 'direct_url', 'stores')
# Names that can be neither attributes nor properties: 403.
RESERVED = ('location', 'locations', 'deleted', 'deleted_at')

MAX_NAME = 255
MAX_PROPERTY_VALUE = 65535
MAX_TAG = 255
MAX_INT = 2 ** 31 - 1


def check_writable(name):
    """403 for a read-only or reserved name (attribute or property)."""
    if name in RESERVED:
        raise exception.ImageAttributeReserved(attribute=name)
    if name in READ_ONLY:
        raise exception.ImageAttributeReadOnly(attribute=name)


def _check_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 0 <= value <= MAX_INT:
        raise exception.ImageInvalid(
            reason='%s must be an integer from 0 to %d' % (name, MAX_INT))


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise exception.ImageInvalid(reason='%s must be a boolean' % name)


def _check_string(name, value, maximum=MAX_NAME, nullable=True):
    if value is None and nullable:
        return
    if not isinstance(value, str) or len(value) > maximum:
        raise exception.ImageInvalid(
            reason='%s must be a string of at most %d characters'
            % (name, maximum))


def check_attribute(name, value):
    """400 for a bad value of a writable core attribute."""
    if name in ('min_ram', 'min_disk'):
        _check_int(name, value)
    elif name in ('protected', 'os_hidden'):
        _check_bool(name, value)
    elif name == 'visibility':
        if value not in VISIBILITIES:
            raise exception.ImageInvalid(
                reason="visibility must be one of %s" % ', '.join(
                    VISIBILITIES))
    elif name == 'tags':
        if not isinstance(value, list):
            raise exception.ImageInvalid(reason='tags must be a list')
        for tag in value:
            _check_string('tag', tag, MAX_TAG, nullable=False)
    else:
        _check_string(name, value)


def check_property(name, value):
    """400 for a property name or value the store cannot hold."""
    check_writable(name)
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        raise exception.ImageInvalid(
            reason='property names are 1 to %d characters' % MAX_NAME)
    if not isinstance(value, str) or len(value) > MAX_PROPERTY_VALUE:
        raise exception.ImageInvalid(
            reason="property '%s' must be a string of at most %d characters"
            % (name, MAX_PROPERTY_VALUE))


def check_formats(conf, disk_format, container_format):
    """400 for a disk or container format the store does not accept."""
    for kind, value, accepted in (
            ('disk_format', disk_format, conf.image.disk_formats),
            ('container_format', container_format,
             conf.image.container_formats)):
        if value is not None and value not in accepted:
            raise exception.ImageUnsupportedFormat(
                kind=kind, value=value, accepted=', '.join(accepted))


def split_values(values):
    """(core attributes, properties) from a mixed dict of values."""
    core, props = {}, dict(values.get('properties') or {})
    for name, value in values.items():
        if name == 'properties':
            continue
        if name in WRITABLE:
            core[name] = value
        else:
            check_writable(name)
            props[name] = value
    for name, value in core.items():
        check_attribute(name, value)
    for name, value in props.items():
        check_property(name, value)
    return core, props


def parse_known_image(line):
    """(image_id, values, data_file) from a ``[image] known_images`` line."""
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
    values = {'id': image_id, 'name': name,
              'min_ram': int(props.pop('min_ram', 0) or 0),
              'min_disk': int(props.pop('min_disk', 0) or 0),
              'disk_format': props.pop('disk_format', 'qcow2'),
              'container_format': props.pop('container_format', 'bare'),
              'visibility': props.pop('visibility', 'public')}
    data_file = props.pop('file', None)
    props.pop('status', None)  # the static back end's; status is earned
    values['properties'] = props
    return image_id, values, data_file


TIME_FILTERS = ('created_at', 'updated_at')
TIME_OPERATORS = {'gt': operator.gt, 'gte': operator.ge, 'lt': operator.lt,
                  'lte': operator.le, 'eq': operator.eq, 'neq': operator.ne}


def parse_time_filter(name, value):
    """(comparison, naive UTC datetime) from ``<op>:<ISO 8601 time>``;
    400 for anything else."""
    op, _, when = value.partition(':')
    if op not in TIME_OPERATORS or not when:
        raise exception.ImageInvalid(
            reason='%s must be <op>:<time>, op one of %s' % (
                name, ', '.join(TIME_OPERATORS)))
    try:
        moment = timeutils.normalize_time(timeutils.parse_isotime(when))
    except ValueError:
        raise exception.ImageInvalid(reason='%s: %s is not an ISO 8601 '
                                     'time' % (name, when))
    return TIME_OPERATORS[op], moment
