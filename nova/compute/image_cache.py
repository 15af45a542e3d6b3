"""The compute host's image cache: one verified file per image, shared.

``fetch`` downloads an image once into ``<instances_path>/_base/`` (through
the image facade), verifies its size and hash, optionally converts it once
(the libvirt driver turns a raw image into what its overlays need), and
renames the finished file into place, so a crash never leaves a half file
under an image's name. Every instance of the host then shares that file.

Age is the file's mtime: a fetch, and every cleanup pass that finds an
instance of the host on the image, touch it. ``cleanup`` removes files
untouched for ``remove_unused_original_minimum_age_seconds``. One lock per
image (in-process and a file lock, for hosts sharing the directory) keeps a
fetch and a removal of the same image apart.

Files whose name starts with a dot are the cache's own (partial downloads,
lock files, the list of hosts using the directory); every other file in the
directory is a cache entry.

Several compute hosts may share the directory (instances on NFS, or the
computes of one nova-all process): each records itself in
``.storage_users`` when it cleans, and an entry counts as used when an
instance of any host seen there in the last day uses it.
"""
import dataclasses
import hashlib
import json
import os
import re
import tempfile
import time

from oslo_concurrency import lockutils
from oslo_log import log as logging

from nova import exception

LOG = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$')
_PART = '.part'
_LOCKS = '.locks'
_USERS = '.storage_users'
STORAGE_USER_MAX_AGE = 24 * 3600


def instances_path(conf):
    """The instances directory (the virt layer's ``instances_path`` when it
    declares one, else ``<state_path>/instances``), made absolute: qcow2
    overlays name their backing file by it, and a relative name would be
    read relative to the overlay's own directory."""
    try:
        path = conf.instances_path
    except AttributeError:  # oslo.config's NoSuchOptError is one
        path = None
    return os.path.abspath(path or os.path.join(conf.state_path,
                                                'instances'))


def entry_name(image_id):
    """The file name of an image in the cache.

    Image ids are uuids in practice; anything else is hashed so it can never
    escape the directory or collide with the cache's dot files.
    """
    if _SAFE_NAME.match(image_id):
        return image_id
    return hashlib.sha1(image_id.encode()).hexdigest()


@dataclasses.dataclass
class CleanupReport:
    """What one cleanup pass did (names are cache entry names)."""
    removed: list = dataclasses.field(default_factory=list)
    in_use: list = dataclasses.field(default_factory=list)
    too_young: list = dataclasses.field(default_factory=list)
    kept_by_config: list = dataclasses.field(default_factory=list)
    partials_removed: list = dataclasses.field(default_factory=list)


class ImageCache:
    """Cache of image files under one directory.

    image_api is the image facade (``nova.image.api.API``): only its
    ``download(ctx, image_id)`` (an iterator of bytes) is used.
    """

    def __init__(self, conf, image_api, base_dir=None):
        self.conf = conf
        self.image_api = image_api
        self.base_dir = base_dir or os.path.join(
            instances_path(conf), conf.image_cache.subdirectory_name)

    # -- paths and locks ---------------------------------------------------

    def path_for(self, image_id):
        """Where image_id's file is (or would be) cached."""
        return os.path.join(self.base_dir, entry_name(image_id))

    def _lock(self, name):
        return lockutils.lock('image-cache-' + name, external=True,
                              lock_path=os.path.join(self.base_dir, _LOCKS))

    def _ensure_dirs(self):
        os.makedirs(os.path.join(self.base_dir, _LOCKS), exist_ok=True)

    # -- fetch ---------------------------------------------------------------

    def fetch(self, context, image_meta, convert=None):
        """Path of the cached, verified file of an image; download it first
        when absent.

        image_meta is the facade's dict of the image (id, size, checksum,
        os_hash_algo, os_hash_value). convert, when given, is called once as
        ``convert(downloaded_path, output_path)`` after verification; its
        output becomes the cache entry. Every caller of one image on one
        host must pass the same kind of convert. Raises ImageDataMismatch
        (nothing is cached) when the data does not match the metadata.
        """
        return self.ensure(context, image_meta, convert)[0]

    def ensure(self, context, image_meta, convert=None):
        """fetch(), returning (path, whether this call downloaded the
        image). Image pre-caching reports 'cached' or 'existing' by it.
        Either way the entry's age starts again from now, so the cleanup
        keeps a pre-cached image no instance uses yet for
        ``remove_unused_original_minimum_age_seconds``."""
        image_id = image_meta['id']
        path = self.path_for(image_id)
        self._ensure_dirs()
        with self._lock(entry_name(image_id)):
            if os.path.exists(path):
                os.utime(path)
                return path, False
            started = time.monotonic()
            self._download(context, image_meta, path, convert)
            LOG.info('Cached image %s in %s (%.1fs)', image_id, path,
                     time.monotonic() - started)
            return path, True

    def _download(self, context, image_meta, path, convert):
        fd, partial = tempfile.mkstemp(
            dir=self.base_dir, prefix='.%s.' % os.path.basename(path),
            suffix=_PART)
        converted = partial + '.converted' + _PART
        try:
            with os.fdopen(fd, 'wb') as out:
                size, digests = _copy_hashing(
                    self.image_api.download(context, image_meta['id']), out,
                    image_meta)
                out.flush()
                os.fsync(out.fileno())
            verify(image_meta, size, digests)
            if convert is not None:
                convert(partial, converted)
                os.replace(converted, path)
            else:
                os.replace(partial, path)
            _fsync_dir(self.base_dir)
        finally:
            for leftover in (partial, converted):
                _remove_quietly(leftover)

    # -- use and cleanup ------------------------------------------------------

    def storage_users(self, host):
        """Record host as a user of this directory; return every host that
        recorded itself in the last STORAGE_USER_MAX_AGE seconds."""
        self._ensure_dirs()
        path = os.path.join(self.base_dir, _USERS)
        now = time.time()
        with self._lock(_USERS):
            try:
                with open(path) as f:
                    users = json.load(f)
            except (FileNotFoundError, ValueError):
                users = {}
            users = {h: t for h, t in users.items()
                     if isinstance(t, (int, float)) and
                     now - t < STORAGE_USER_MAX_AGE}
            users[host] = now
            partial = path + '.' + host + _PART
            with open(partial, 'w') as f:
                json.dump(users, f)
            os.replace(partial, path)
        return sorted(users)

    def in_use(self, image_ids):
        """Mark the cached files of image_ids as used now (touch them)."""
        for image_id in image_ids:
            if not image_id:
                continue
            try:
                os.utime(self.path_for(image_id))
            except FileNotFoundError:
                pass

    def cached_entries(self):
        """Names of the cache entries (not partial downloads, not locks)."""
        try:
            with os.scandir(self.base_dir) as entries:
                return sorted(e.name for e in entries
                              if not e.name.startswith('.') and e.is_file())
        except FileNotFoundError:
            return []

    def cleanup(self, used_image_ids):
        """Remove entries unused for the configured age; return a
        CleanupReport. used_image_ids: the images of this host's instances
        (their files are touched: they are in use now)."""
        opts = self.conf.image_cache
        used = {entry_name(i) for i in used_image_ids if i}
        self.in_use(used_image_ids)
        report = CleanupReport()
        for name in self.cached_entries():
            if name in used:
                report.in_use.append(name)
                continue
            self._maybe_remove(name, opts, report)
        self._remove_stale_partials(opts.remove_partial_download_age_seconds,
                                    report)
        if report.removed or report.kept_by_config:
            LOG.info('Image cache %s: removed %s; unused but kept by '
                     'configuration %s', self.base_dir, report.removed,
                     report.kept_by_config)
        return report

    def _maybe_remove(self, name, opts, report):
        path = os.path.join(self.base_dir, name)
        with self._lock(name):
            try:
                age = time.time() - os.stat(path).st_mtime
            except FileNotFoundError:
                return
            if age < opts.remove_unused_original_minimum_age_seconds:
                report.too_young.append(name)
            elif not opts.remove_unused_base_images:
                report.kept_by_config.append(name)
            else:
                _remove_quietly(path)
                report.removed.append(name)

    def _remove_stale_partials(self, max_age, report):
        try:
            with os.scandir(self.base_dir) as entries:
                partials = [e.path for e in entries
                            if e.name.startswith('.') and
                            e.name.endswith(_PART)]
        except FileNotFoundError:
            return
        now = time.time()
        for path in partials:
            try:
                if now - os.stat(path).st_mtime >= max_age:
                    os.unlink(path)
                    report.partials_removed.append(os.path.basename(path))
            except FileNotFoundError:
                pass


# -- helpers ------------------------------------------------------------------

def _hashers(image_meta):
    hashers = {}
    algo = image_meta.get('os_hash_algo')
    if algo and image_meta.get('os_hash_value'):
        try:
            hashers[algo] = hashlib.new(algo)
        except ValueError:
            LOG.warning('Image %s: unknown os_hash_algo %s; not verified',
                        image_meta['id'], algo)
    if image_meta.get('checksum'):
        hashers['md5'] = hashlib.md5(usedforsecurity=False)
    return hashers


def _copy_hashing(chunks, out, image_meta):
    hashers = _hashers(image_meta)
    size = 0
    for chunk in chunks:
        out.write(chunk)
        size += len(chunk)
        for hasher in hashers.values():
            hasher.update(chunk)
    return size, {name: h.hexdigest() for name, h in hashers.items()}


def verify(image_meta, size, digests):
    """Raise ImageDataMismatch unless size and digests match image_meta.

    digests: {'md5': ..., <os_hash_algo>: ...} of the data received.
    """
    image_id = image_meta['id']
    expected_size = image_meta.get('size')
    if expected_size is not None and expected_size != size:
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='received %d bytes, the image has %d'
            % (size, expected_size))
    algo = image_meta.get('os_hash_algo')
    if algo in digests and digests[algo] != image_meta.get('os_hash_value'):
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='%s of the data does not match '
            'os_hash_value' % algo)
    if 'md5' in digests and digests['md5'] != image_meta.get('checksum'):
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='checksum of the data does not match')


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
