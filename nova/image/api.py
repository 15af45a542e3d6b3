"""The image interface the REST layer, the conductor and computes use.

``API(conf)`` is a facade over the back end ``[image] backend`` names:

* ``store``: the built-in store (:mod:`nova.image.store`), records in the
  API database and data under ``[image] images_path``;
* ``glance``: an Image API v2 service through keystoneauth1
  (:mod:`nova.image.glance`).

A separate nova-compute process never opens a database. There, ``store``
means "the store behind nova-api's ``/image``", reached with the Glance
client and the ``[glance]`` options: ``endpoint_override``, else the
catalog, else ``http://<[wsgi] listen>:<[wsgi] port>/image`` (see
doc/architecture/images.rst). In a process that also runs the API or the
conductor (nova-all, the functional tests) the store is used directly.

Every image is a dict with the keys of :data:`nova.image.meta.IMAGE_KEYS`
(``properties`` a dict of the additional properties, ``tags`` a list,
times ISO 8601 strings such as ``2024-05-01T10:00:00Z``).
"""
import copy
import threading

from nova.image import data as image_data
from nova import ttl_cache

# Active images by (id, project, admin), for server creates.
_CACHE = ttl_cache.TTLCache()


def _this_image(self, context, image_id, *args, **kwargs):
    return lambda key: key[0] == image_id


# An image write: forget what this process cached of that image.
_forgets_cached = ttl_cache.forgets(_CACHE, which=_this_image)


def _is_remote_compute_process():
    """True in a nova-compute process of its own: its object calls go to
    the conductor as a whole (not only per thread, as in nova-all)."""
    from nova.objects import base as objects_base
    from nova.objects import indirection
    api = objects_base.NovaObject.indirection_api
    return api is not None and not isinstance(
        api, indirection.ThreadLocalIndirection)


def own_image_api_url(conf):
    """nova-api's /image as a compute on the API's host reaches it."""
    host = conf.wsgi.listen
    if host in (None, '', '0.0.0.0', '::'):
        host = '127.0.0.1'
    if ':' in host:
        host = '[%s]' % host
    return 'http://%s:%d/image' % (host, conf.wsgi.port)


def _make_backend(conf):
    if conf.image.backend == 'glance':
        from nova.image import glance
        return glance.GlanceBackend(conf)
    if _is_remote_compute_process():
        from nova.image import glance
        return glance.GlanceBackend(conf,
                                    default_endpoint=own_image_api_url(conf))
    from nova.image.store import backend
    return backend.StoreBackend(conf)


class API:
    """Facade over the configured back end. Errors are nova exceptions:
    ImageNotFound (also for images the caller may not see), ImageForbidden,
    ImageInvalid and subclasses, ImageNotQueued, ImageServiceUnavailable.
    """

    def __init__(self, conf, backend=None):
        self.conf = conf
        self._backend = backend
        self._lock = threading.Lock()

    @property
    def backend(self):
        # Chosen on first use, once the process has said what it is (a
        # compute sets its indirection API as its service is built).
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = _make_backend(self.conf)
        return self._backend

    def get(self, context, image_id):
        """One image's metadata. Raises ImageNotFound."""
        return self.backend.get(context, image_id)

    def get_for_boot(self, context, image_id):
        """get(), reusing for ``[image] metadata_cache_seconds`` what
        this process read of an active image (a server create reads the
        same few images again and again)."""
        key = (image_id, context.project_id, context.is_admin)
        ttl = self.conf.image.metadata_cache_seconds
        # Only active images: others are about to change.
        image = _CACHE.get(key, ttl,
                           lambda: self.backend.get(context, image_id),
                           keep=lambda i: i.get('status') == 'active')
        return copy.deepcopy(image)

    def get_all(self, context, filters=None, sort_key='created_at',
                sort_dir='desc', limit=None, marker=None):
        """Images the caller may see, filtered, sorted and paged.

        filters: name, status, visibility ('all' for every visibility the
        caller may see), owner, member_status, tag (a list, all required),
        size_min, size_max, id, disk_format, container_format, protected,
        os_hidden, created_at/updated_at ('gte:<ISO 8601 time>', also gt,
        lt, lte, eq, neq), and any other key as a property that must
        equal the value. sort_key/sort_dir: a name or a list of names (dirs 'asc' or
        'desc'). marker: id of the last image of the previous page.
        """
        return self.backend.get_all(context, filters=filters or {},
                                    sort_key=sort_key, sort_dir=sort_dir,
                                    limit=limit, marker=marker)

    def create(self, context, metadata):
        """A queued image from metadata (core attributes, ``properties``
        dict, ``tags`` list, optional ``id``); owner = caller's project
        unless given."""
        return self.backend.create(context, metadata)

    @_forgets_cached
    def upload(self, context, image_id, chunks, size=None, checksum=None):
        """Stream an iterable of bytes in as the image's data.

        Verifies the size against ``size`` and the MD5 against
        ``checksum`` when given; the service computes checksum and
        os_hash_value. On any failure the image is left queued with no
        data. Returns the active image. Raises ImageNotQueued if the image
        is not queued, ImageUploadIncomplete when fewer bytes than ``size``
        arrive or the chunks raise an I/O error (a client that went away),
        ImageDataMismatch for a wrong checksum, ImageTooLarge.
        """
        return self.backend.upload(context, image_id, chunks, size=size,
                                   checksum=checksum)

    def download(self, context, image_id, dest_path=None, byte_range=None):
        """An iterator of the image's data chunks (empty for no data); or,
        given dest_path, write the data there atomically (temp file and
        rename) after verifying size and os_hash_value/checksum, and return
        dest_path. Raises ImageDataMismatch on a verification failure.
        byte_range: (offset, length) of a part, for the iterator only."""
        if byte_range is not None:
            return self.backend.download(context, image_id,
                                         byte_range=byte_range)
        chunks = self.backend.download(context, image_id)
        if dest_path is None:
            return chunks
        image = self.backend.get(context, image_id)
        image_data.write_verified(chunks, dest_path, image)
        return dest_path

    @_forgets_cached
    def update(self, context, image_id, values=None, remove_props=()):
        """Change core attributes and properties.

        values: core attributes (name, visibility, protected, min_ram,
        min_disk, disk_format, container_format, os_hidden, tags, ...),
        a ``properties`` dict, or any other key as a property.
        remove_props: names of properties to remove.
        """
        return self.backend.update(context, image_id, values or {},
                                   tuple(remove_props))

    @_forgets_cached
    def delete(self, context, image_id):
        """Delete the image and its data. ImageProtected when protected."""
        return self.backend.delete(context, image_id)

    @_forgets_cached
    def deactivate(self, context, image_id):
        """Admins only: the image stays but its data cannot be downloaded
        (ImageDeactivated, 403) except by admins, nor booted."""
        return self.backend.set_active(context, image_id, False)

    @_forgets_cached
    def reactivate(self, context, image_id):
        return self.backend.set_active(context, image_id, True)

    # -- members (visibility ``shared``) ---------------------------------

    def list_members(self, context, image_id):
        return self.backend.list_members(context, image_id)

    def get_member(self, context, image_id, member_id):
        return self.backend.get_member(context, image_id, member_id)

    @_forgets_cached
    def add_member(self, context, image_id, member_id):
        return self.backend.add_member(context, image_id, member_id)

    @_forgets_cached
    def update_member(self, context, image_id, member_id, status):
        return self.backend.update_member(context, image_id, member_id,
                                          status)

    @_forgets_cached
    def delete_member(self, context, image_id, member_id):
        return self.backend.delete_member(context, image_id, member_id)
