"""Image data in motion: digests, and verified atomic writes to a path."""
import hashlib
import os
import queue
import threading
import uuid

from nova import exception

CHUNK_SIZE = 1024 * 1024


class _HashThread:
    """One hash fed through a short queue by a thread of its own: hashlib
    releases the GIL on large chunks, so hashes run beside the I/O."""

    def __init__(self, hasher, name):
        self.hasher = hasher
        self._queue = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=name)
        self._thread.start()

    def _run(self):
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self.hasher.update(chunk)

    def update(self, chunk):
        self._queue.put(chunk)

    def finish(self):
        self._queue.put(None)
        self._thread.join()


class Digest:
    """Size, MD5 checksum and os_hash of the bytes fed to it.

    With ``background``, each hash runs in a thread of its own, so an
    upload costs about one hash of wall time, not two plus the I/O; call
    :meth:`finish` (the digest properties do) to wait for them.
    """

    HEAD_BYTES = 512

    def __init__(self, algorithm='sha512', background=False):
        self.algorithm = algorithm
        self.size = 0
        self.head = b''  # the first HEAD_BYTES, for format headers
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._hash = hashlib.new(algorithm)
        self._threads = None
        if background:
            self._threads = [_HashThread(self._md5, 'md5'),
                             _HashThread(self._hash, algorithm)]

    def update(self, chunk):
        if len(self.head) < self.HEAD_BYTES:
            self.head += chunk[:self.HEAD_BYTES - len(self.head)]
        self.size += len(chunk)
        if self._threads is None:
            self._md5.update(chunk)
            self._hash.update(chunk)
        else:
            for thread in self._threads:
                thread.update(chunk)

    def finish(self):
        if self._threads is not None:
            for thread in self._threads:
                thread.finish()
            self._threads = None

    @property
    def checksum(self):
        self.finish()
        return self._md5.hexdigest()

    @property
    def hash_value(self):
        self.finish()
        return self._hash.hexdigest()


def verify(image, digest):
    """ImageDataMismatch unless digest matches what the image records."""
    image_id = image.get('id')
    expected_size = image.get('size')
    if expected_size is not None and expected_size != digest.size:
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='got %d bytes, expected %d' % (
                digest.size, expected_size))
    algo, value = image.get('os_hash_algo'), image.get('os_hash_value')
    if algo == digest.algorithm and value and value != digest.hash_value:
        raise exception.ImageDataMismatch(
            image_id=image_id, reason='%s mismatch' % algo)
    if image.get('checksum') and image['checksum'] != digest.checksum:
        raise exception.ImageDataMismatch(image_id=image_id,
                                          reason='checksum mismatch')


def _algorithm_for(image):
    algo = image.get('os_hash_algo')
    return algo if algo in hashlib.algorithms_available else 'sha512'


def write_verified(chunks, dest_path, image):
    """Write chunks to dest_path through a temp file in the same directory,
    verify them against image, fsync and rename. On any failure nothing is
    left at dest_path (nor a temp file)."""
    directory = os.path.dirname(os.path.abspath(dest_path))
    os.makedirs(directory, exist_ok=True)
    tmp_path = os.path.join(directory, '.%s.%s.part' % (
        os.path.basename(dest_path), uuid.uuid4().hex[:8]))
    digest = Digest(_algorithm_for(image))
    try:
        with open(tmp_path, 'wb') as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        verify(image, digest)
        os.replace(tmp_path, dest_path)
    except BaseException:
        _unlink_quietly(tmp_path)
        raise
    finally:
        close = getattr(chunks, 'close', None)
        if close:
            close()
    return digest


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def iter_file(path, chunk_size=CHUNK_SIZE, offset=0, length=None):
    """Chunks of a file, closed when exhausted or when the caller closes
    the generator (a client that went away)."""
    with open(path, 'rb') as f:
        if offset:
            f.seek(offset)
        remaining = length
        while remaining is None or remaining > 0:
            size = chunk_size if remaining is None else \
                min(chunk_size, remaining)
            chunk = f.read(size)
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk


QCOW2_MAGIC = b'QFI\xfb'


def virtual_size(disk_format, head, size):
    """The disk size a guest sees, when the data's header says it: a qcow2
    header's size field, or the size of raw data; else None."""
    if disk_format == 'raw':
        return size
    if disk_format == 'qcow2' and len(head) >= 32 and \
            head[:4] == QCOW2_MAGIC:
        return int.from_bytes(head[24:32], 'big')
    return None
