"""What a server create takes from its image: checks and copied properties.

Nova's rules: the image must exist for the caller and be active; the
flavor's RAM must reach the image's min_ram; a flavor with a root disk must
hold the image's size and min_disk; a flavor with a zero root disk boots an
image only for those the ``create:zero_disk_flavor`` policy allows (it does
not size-check: the disk is as large as the image). The image's properties
are copied into the instance's system metadata as ``image_<key>`` (with
min_ram, min_disk, disk_format, container_format and base_image_ref), where
snapshots and the 2.98 server view find them again.
"""
from nova import exception

GiB = 1024 ** 3
PREFIX = 'image_'
# Copied from the image's core attributes, not its properties.
_INHERITED_CORE = ('min_ram', 'min_disk', 'disk_format', 'container_format')
# Never copied: the signature of the image's data says nothing of a
# snapshot's (Nova's SM_SKIP_KEYS).
_SKIPPED = frozenset(('img_signature', 'img_signature_hash_method',
                      'img_signature_key_type',
                      'img_signature_certificate_uuid'))
_MAX_VALUE = 255


def image_id_of(image_href):
    """The id in an imageRef (a uuid, or a URL ending with one)."""
    return str(image_href).rstrip('/').rsplit('/', 1)[-1]


def check_image_for_flavor(image, flavor, zero_disk_allowed=True):
    """Raise the 400/403 Nova answers when flavor cannot boot image."""
    if image['status'] != 'active':
        raise exception.ImageNotActive(image_id=image['id'])
    if flavor.memory_mb < int(image.get('min_ram') or 0):
        raise exception.FlavorMemoryTooSmall()
    root_bytes = (flavor.root_gb or 0) * GiB
    if not root_bytes:
        if not zero_disk_allowed:
            raise exception.BootFromVolumeRequiredForZeroDiskFlavor()
        return
    image_size = int(image.get('size') or 0)
    if image_size > root_bytes:
        raise exception.FlavorDiskSmallerThanImage(
            flavor_size=root_bytes, image_size=image_size)
    min_disk = int(image.get('min_disk') or 0) * GiB
    if min_disk > root_bytes:
        raise exception.FlavorDiskSmallerThanMinDisk(
            flavor_size=root_bytes, image_min_disk=min_disk)


def system_metadata(image, flavor):
    """The ``image_*`` system metadata of an instance booted from image.

    min_disk is raised to the flavor's root disk (a snapshot of the server
    needs that much), values are strings cut at 255 characters.
    """
    result = {}
    for key, value in (image.get('properties') or {}).items():
        if key in _SKIPPED or value is None:
            continue
        result[PREFIX + key] = str(value)[:_MAX_VALUE]
    for key in _INHERITED_CORE:
        value = image.get(key)
        if key == 'min_disk':
            value = max(int(value or 0), flavor.root_gb or 0)
        if value is not None:
            result[PREFIX + key] = str(value)
    result[PREFIX + 'base_image_ref'] = image['id']
    return result


def request_spec_properties(image):
    """The image properties the scheduler's filters read (strings)."""
    return {key: str(value) for key, value in
            (image.get('properties') or {}).items() if value is not None}
