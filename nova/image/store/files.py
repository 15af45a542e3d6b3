"""The store's data files: one file per image, written atomically.

Layout under ``[image] images_path``::

    <image id>                                  data of an active image
    .incoming/<image id>.<host>.<pid>.<rand>.part   an upload in progress

An upload goes to ``.incoming/`` and is fsynced and renamed into place only
once it is complete and verified; the row turns ``active`` after that.
A process killed mid-upload leaves a ``.part`` file naming its pid, which
the next store to start on this host removes (see :meth:`clean_incoming`).
"""
import os
import socket
import uuid

from oslo_log import log as logging

from nova.image import data as image_data

LOG = logging.getLogger(__name__)
_HOST = socket.gethostname().replace('.', '_')


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DataFiles:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.incoming = os.path.join(self.root, '.incoming')
        os.makedirs(self.incoming, exist_ok=True)

    def path(self, image_id):
        return os.path.join(self.root, image_id)

    def exists(self, image_id):
        return os.path.isfile(self.path(image_id))

    def reserve(self, image_id):
        """A new, empty temp file for an upload of image_id; its name tells
        other processes the upload is alive."""
        tmp_path = os.path.join(self.incoming, '%s.%s.%d.%s.part' % (
            image_id, _HOST, os.getpid(), uuid.uuid4().hex[:8]))
        open(tmp_path, 'xb').close()
        return tmp_path

    def receive(self, tmp_path, chunks, digest, limit):
        """Write chunks into a reserved temp file, feeding digest.

        Raises what the chunks raise (a client that went away) or
        ``TooLarge`` past limit bytes; the temp file is removed then.
        """
        try:
            with open(tmp_path, 'wb') as out:
                for chunk in chunks:
                    if not chunk:
                        continue
                    digest.update(chunk)
                    if digest.size > limit:
                        raise TooLarge()
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            self.discard(tmp_path)
            raise
        finally:
            digest.finish()

    def commit(self, tmp_path, image_id):
        """Rename a received file into place, durably."""
        os.replace(tmp_path, self.path(image_id))
        self._fsync_dir()

    def _fsync_dir(self):
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    @staticmethod
    def discard(tmp_path):
        try:
            os.unlink(tmp_path)
        except FileNotFoundError:
            pass

    def remove(self, image_id):
        self.discard(self.path(image_id))

    def read(self, image_id, byte_range=None,
             chunk_size=image_data.CHUNK_SIZE):
        """Chunks of an image's data file (nothing if it has none);
        byte_range: (offset, length) of a part."""
        path = self.path(image_id)
        if not os.path.isfile(path):
            return iter(())
        offset, length = byte_range or (0, None)
        return image_data.iter_file(path, chunk_size, offset, length)

    def _incoming(self):
        for name in os.listdir(self.incoming):
            parts = name.split('.')
            if len(parts) == 5 and parts[-1] == 'part':
                yield name, parts[0], parts[1], int(parts[2])

    def uploading(self):
        """Ids of images whose upload is alive (this host or another)."""
        return {image_id for _, image_id, host, pid in self._incoming()
                if host != _HOST or _pid_alive(pid)}

    def clean_incoming(self):
        """Remove partial uploads of dead processes of this host."""
        for name, image_id, host, pid in list(self._incoming()):
            if host == _HOST and not _pid_alive(pid):
                LOG.warning('Removing the partial upload of image %s left by '
                            'process %d', image_id, pid)
                self.discard(os.path.join(self.incoming, name))


class TooLarge(Exception):
    pass
