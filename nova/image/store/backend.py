"""The built-in image store: the facade's operations over records and files.

Status of an image: ``queued`` (no data) -> ``saving`` (an upload is
streaming into a temp file) -> ``active`` (the data file is complete and
verified); a failed or interrupted upload goes back to ``queued`` with no
file; ``deleted`` images keep their row but are never shown. The row turns
``active`` only after the file is in place, so a crash at any moment leaves
either an active image with its whole data or a non-active one without.
"""
import threading
import uuid

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception
from nova.image import data as image_data
from nova.image import meta
from nova.image.store import access
from nova.image.store import files
from nova.image.store import records

LOG = logging.getLogger(__name__)

SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size',
             'id', 'created_at', 'updated_at', 'visibility', 'owner',
             'min_ram', 'min_disk', 'virtual_size')
_CLIENT_GONE = (OSError, ValueError, EOFError)


class StoreBackend:
    def __init__(self, conf):
        self.conf = conf
        self.files = files.DataFiles(conf.image.images_path)
        self._ready = False
        self._preparing = False
        self._lock = threading.RLock()

    # -- start-up: recovery and seeding -----------------------------------

    def prepare(self):
        """Once, before the first call (each service builds one store):
        clean after a crash, seed known images."""
        if self._ready:
            return
        with self._lock:
            if self._ready or self._preparing:  # seeding uploads re-enter
                return
            self._preparing = True
            try:
                context = nova_context.get_admin_context()
                self.recover(context)
                for line in self.conf.image.known_images:
                    if line.strip():
                        self._seed(context, *meta.parse_known_image(line))
                self._ready = True
            finally:
                self._preparing = False

    def recover(self, context):
        """Remove dead uploads' temp files; images whose upload died go
        back to queued, without data."""
        self.files.clean_incoming()
        alive = self.files.uploading()
        for image_id in records.stuck_in(context, 'saving'):
            if image_id in alive:
                continue
            LOG.warning('Upload of image %s was interrupted; it is queued '
                        'again', image_id)
            self.files.remove(image_id)
            records.update(context, image_id, {'status': 'queued'},
                           from_statuses=('saving',))

    def _seed(self, context, image_id, values, data_file):
        if records.get(context, image_id) is not None:
            return
        core, props = meta.split_values(
            {k: v for k, v in values.items() if k != 'id'})
        row = self._new_row(context, dict(core, id=image_id))
        row['owner'] = None
        if not records.create(context, row, props, core.get('tags') or []):
            return
        LOG.info('Seeded known image %s (%s)', image_id, values['name'])
        if not data_file:
            self.upload(context, image_id, iter(()))
            return
        try:
            with open(data_file, 'rb') as f:
                chunks = iter(lambda: f.read(image_data.CHUNK_SIZE), b'')
                self.upload(context, image_id, chunks)
        except OSError as e:
            LOG.error('Known image %s stays queued: cannot read %s: %s',
                      image_id, data_file, e)

    # -- reading ------------------------------------------------------------

    def _visible(self, context, image_id):
        self.prepare()
        image = records.get(context, image_id)
        if image is None or image['status'] == 'deleted':
            raise exception.ImageNotFound(image_id=image_id)
        member = records.member_of(context, image_id, context.project_id) \
            if image['visibility'] == 'shared' else None
        if not access.can_see(context, image, member):
            raise exception.ImageNotFound(image_id=image_id)
        return image

    def get(self, context, image_id):
        return self._visible(context, image_id)

    def get_all(self, context, filters, sort_key='created_at',
                sort_dir='desc', limit=None, marker=None):
        self.prepare()
        filters = dict(filters)
        visibility = filters.pop('visibility', None)
        member_status = filters.pop('member_status', 'accepted')
        filters.setdefault('os_hidden', False)
        props = dict(filters.pop('properties', None) or {})
        known = set(records.SIMPLE_FILTERS) | set(meta.TIME_FILTERS) | {
            'size_min', 'size_max', 'protected', 'os_hidden', 'tag'}
        props.update({k: v for k, v in filters.items() if k not in known})
        filters = {k: v for k, v in filters.items() if k in known}
        filters['properties'] = props
        visible = records.visibility_clause(
            context.project_id, access.is_admin(context), visibility,
            member_status)
        images = records.list_images(context, filters, visible)
        images = sort_images(images, sort_key, sort_dir)
        return page(images, limit, marker)

    def download(self, context, image_id, byte_range=None):
        image = self._visible(context, image_id)
        if image['status'] == 'deactivated' and not access.is_admin(context):
            raise exception.ImageDeactivated(image_id=image_id)
        if image['status'] not in ('active', 'deactivated'):
            return iter(())
        return self.files.read(image_id, byte_range)

    # -- writing ------------------------------------------------------------

    def _new_row(self, context, core):
        row = {'status': 'queued',
               'visibility': 'shared', 'owner': context.project_id,
               'protected': False, 'os_hidden': False, 'min_ram': 0,
               'min_disk': 0, 'name': None, 'disk_format': None,
               'container_format': None}
        row['created_at'] = row['updated_at'] = records.utcnow()
        row.update({k: v for k, v in core.items() if k != 'tags'})
        row['id'] = row.get('id') or str(uuid.uuid4())
        return row

    def create(self, context, metadata):
        self.prepare()
        metadata = dict(metadata)
        image_id = metadata.pop('id', None)
        if image_id is not None:
            _check_uuid(image_id)
        core, props = meta.split_values(metadata)
        access.check_values(context, None, core)
        meta.check_formats(self.conf, core.get('disk_format'),
                           core.get('container_format'))
        row = self._new_row(context, dict(core, id=image_id))
        if not records.create(context, row, props, core.get('tags') or []):
            raise exception.ImageExists(image_id=image_id)
        return records.get(context, row['id'])

    def update(self, context, image_id, values, remove_props=()):
        image = self._visible(context, image_id)
        access.check_owner(context, image, 'modify')
        core, props = meta.split_values(values)
        for name in remove_props:
            meta.check_writable(name)
        access.check_values(context, image, core)
        meta.check_formats(self.conf, core.get('disk_format'),
                           core.get('container_format'))
        tags = core.pop('tags', None)
        if not records.update(context, image_id, core, props, remove_props,
                              tags, from_statuses=_LIVE):
            raise exception.ImageNotFound(image_id=image_id)
        return records.get(context, image_id)

    def delete(self, context, image_id):
        image = self._visible(context, image_id)
        access.check_owner(context, image, 'delete')
        if image['protected']:
            raise exception.ImageProtected(image_id=image_id)
        deleted = {'status': 'deleted', 'deleted_at': records.utcnow()}
        if not records.update(context, image_id, deleted,
                              from_statuses=_LIVE):
            raise exception.ImageNotFound(image_id=image_id)
        self.files.remove(image_id)

    def set_active(self, context, image_id, active):
        """Deactivate (active=False) or reactivate an image: admins only;
        doing it twice is no change."""
        image = self._visible(context, image_id)
        if not access.is_admin(context):
            raise exception.ImageForbidden(
                action='deactivate' if not active else 'reactivate',
                image_id=image_id)
        wanted, other = (('active', 'deactivated') if active else
                         ('deactivated', 'active'))
        if image['status'] == wanted:
            return image
        if image['status'] != other or not records.update(
                context, image_id, {'status': wanted},
                from_statuses=(other,)):
            raise exception.Forbidden(
                'Not allowed to %s an image in status %s.' % (
                    'reactivate' if active else 'deactivate',
                    image['status']))
        return records.get(context, image_id)

    # -- upload ------------------------------------------------------------

    def upload(self, context, image_id, chunks, size=None, checksum=None):
        image = self._visible(context, image_id)
        access.check_owner(context, image, 'upload data to')
        # The temp file exists before the row says "saving", so a recovery
        # running in another store never takes this upload for a dead one.
        tmp_path = self.files.reserve(image_id)
        if not records.update(context, image_id, {'status': 'saving'},
                              from_statuses=('queued',)):
            self.files.discard(tmp_path)
            current = records.get(context, image_id)
            raise exception.ImageNotQueued(
                image_id=image_id, status=current and current['status'])
        try:
            digest = self._receive(image_id, tmp_path, chunks)
        except BaseException:
            records.update(context, image_id, {'status': 'queued'},
                           from_statuses=('saving',))
            raise
        return self._activate(context, image_id, tmp_path, digest, size,
                              checksum)

    def _receive(self, image_id, tmp_path, chunks):
        digest = image_data.Digest(self.conf.image.hashing_algorithm,
                                   background=True)
        limit = self.conf.image.max_image_size
        try:
            self.files.receive(tmp_path, chunks, digest, limit)
            return digest
        except files.TooLarge:
            raise exception.ImageTooLarge(limit=limit)
        except _CLIENT_GONE as e:
            raise exception.ImageUploadIncomplete(
                image_id=image_id, received=digest.size, reason=e)

    def _activate(self, context, image_id, tmp_path, digest, size,
                  checksum):
        try:
            _check_expected(image_id, digest, size, checksum)
            self.files.commit(tmp_path, image_id)
        except BaseException:
            self.files.discard(tmp_path)
            records.update(context, image_id, {'status': 'queued'},
                           from_statuses=('saving',))
            raise
        disk_format = (records.get(context, image_id) or {}).get(
            'disk_format')
        values = {'status': 'active', 'size': digest.size,
                  'virtual_size': image_data.virtual_size(
                      disk_format, digest.head, digest.size),
                  'checksum': digest.checksum,
                  'os_hash_algo': digest.algorithm,
                  'os_hash_value': digest.hash_value}
        if not records.update(context, image_id, values,
                              from_statuses=('saving',)):
            # Deleted while the data streamed in: drop the data.
            self.files.remove(image_id)
            raise exception.ImageNotFound(image_id=image_id)
        return records.get(context, image_id)

    # -- members ---------------------------------------------------------

    def _shared(self, context, image_id):
        image = self._visible(context, image_id)
        if image['visibility'] != 'shared':
            raise exception.ImageForbidden(
                action="manage members of (only 'shared' images have "
                       "members)", image_id=image_id)
        return image

    def list_members(self, context, image_id):
        image = self._shared(context, image_id)
        members = records.list_members(context, image_id)
        if access.owns(context, image):
            return members
        return [m for m in members if m['member_id'] == context.project_id]

    def get_member(self, context, image_id, member_id):
        image = self._shared(context, image_id)
        member = records.get_member(context, image_id, member_id)
        if member is None or not (access.owns(context, image) or
                                  member_id == context.project_id):
            raise exception.ImageMemberNotFound(image_id=image_id,
                                                member=member_id)
        return member

    def add_member(self, context, image_id, member_id):
        image = self._shared(context, image_id)
        access.check_owner(context, image, 'add members to')
        member = records.add_member(context, image_id, member_id)
        if member is None:
            raise exception.ImageMemberExists(image_id=image_id,
                                              member=member_id)
        return member

    def update_member(self, context, image_id, member_id, status):
        self._shared(context, image_id)
        if status not in meta.MEMBER_STATUSES:
            raise exception.ImageInvalid(
                reason='member status must be one of %s' % ', '.join(
                    meta.MEMBER_STATUSES))
        if member_id != context.project_id:
            raise exception.ImageForbidden(action='change the membership '
                                           'of another project in',
                                           image_id=image_id)
        member = records.set_member_status(context, image_id, member_id,
                                           status)
        if member is None:
            raise exception.ImageMemberNotFound(image_id=image_id,
                                                member=member_id)
        return member

    def delete_member(self, context, image_id, member_id):
        image = self._shared(context, image_id)
        access.check_owner(context, image, 'remove members of')
        if not records.delete_member(context, image_id, member_id):
            raise exception.ImageMemberNotFound(image_id=image_id,
                                                member=member_id)


_LIVE = ('queued', 'saving', 'active', 'killed', 'deactivated')


def _check_uuid(image_id):
    try:
        uuid.UUID(str(image_id))
    except ValueError:
        raise exception.ImageInvalid(reason='id %s is not a UUID' % image_id)


def _check_expected(image_id, digest, size, checksum):
    if size is not None and size != digest.size:
        raise exception.ImageUploadIncomplete(
            image_id=image_id, received=digest.size,
            reason='expected %d bytes' % size)
    if checksum is not None and checksum != digest.checksum:
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='checksum %s does not match the data '
            '(%s)' % (checksum, digest.checksum))


def _sort_value(image, key):
    value = image.get(key)
    return (value is not None, value if value is not None else 0)


def sort_images(images, sort_key, sort_dir):
    """Sort by one or more keys (None first ascending), then id."""
    keys = [sort_key] if isinstance(sort_key, str) else list(sort_key)
    dirs = [sort_dir] if isinstance(sort_dir, str) else list(sort_dir)
    for key in keys:
        if key not in SORT_KEYS:
            raise exception.ImageInvalid(reason='unsupported sort key %s'
                                         % key)
    dirs += [dirs[-1] if dirs else 'desc'] * (len(keys) - len(dirs))
    images = sorted(images, key=lambda i: i['id'])
    for key, direction in reversed(list(zip(keys, dirs))):
        images.sort(key=lambda i: _sort_value(i, key),
                    reverse=direction == 'desc')
    return images


def page(images, limit, marker):
    if marker is not None:
        ids = [i['id'] for i in images]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        images = images[ids.index(marker) + 1:]
    return images if limit is None else images[:limit]
