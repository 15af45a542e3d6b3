"""Instance disks: qcow2 overlays on cached images, and qemu-img helpers.

Layout under ``[DEFAULT] instances_path``::

    _base/<image id>            the host image cache (nova/compute/image_cache)
    <uuid>/disk                 root: qcow2 overlay, backing file the cached
                                image, virtual size the flavor's root_gb
    <uuid>/disk.eph0            ephemeral disk (flavor ephemeral_gb), blank
    <uuid>/disk.swap            swap disk (flavor swap MiB), blank
    <uuid>/disk.rescue          rescue root (overlay on the rescue image)
    <uuid>/console.log          the serial console
    <uuid>_resize/              the old disks kept for a resize revert

A raw image is converted to qcow2 once, inside the cache; every overlay of
the host then shares one qcow2 backing file.
"""
import json
import os
import shutil
import subprocess

from oslo_log import log as logging

from nova import exception

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
MiB = 1024 ** 2


def qemu_img(*args, timeout=600):
    """Run qemu-img; DiskOperationFailed with its stderr on failure."""
    cmd = ['qemu-img'] + [str(a) for a in args]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True,
                                timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise exception.DiskOperationFailed(reason='%s: %s' % (
            ' '.join(cmd), exc)) from exc
    if result.returncode:
        raise exception.DiskOperationFailed(reason='%s: %s' % (
            ' '.join(cmd), result.stderr.strip()))
    return result.stdout


def info(path):
    """qemu-img info as a dict (format, virtual-size, backing-filename)."""
    return json.loads(qemu_img('info', '--output=json', '-U', path))


def convert_to_qcow2(source, dest):
    """The image cache's convert hook: any format qemu-img reads -> qcow2.

    A qcow2 without a backing file is kept as it is (renamed in place).
    """
    details = info(source)
    if details.get('format') == 'qcow2' and \
            not details.get('backing-filename'):
        os.replace(source, dest)
        return
    qemu_img('convert', '-O', 'qcow2', source, dest)


def create_overlay(backing, path, size_bytes):
    """A qcow2 at path whose backing file is backing, at least size_bytes
    big (never smaller than the image itself)."""
    virtual = info(backing)['virtual-size']
    qemu_img('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backing,
             path, max(virtual, size_bytes))


def create_blank(path, size_bytes):
    qemu_img('create', '-q', '-f', 'qcow2', path, size_bytes)


def grow(path, size_bytes):
    """Grow a disk to size_bytes; never shrinks."""
    if info(path)['virtual-size'] < size_bytes:
        qemu_img('resize', '-q', path, size_bytes)


def flatten(path, dest, fmt='qcow2'):
    """A self-contained copy of a disk (its backing chain merged)."""
    qemu_img('convert', '-U', '-O', fmt, path, dest)


class InstanceFiles:
    """Paths of one instance's files, and their creation and removal."""

    def __init__(self, instances_path, uuid):
        self.instances_path = instances_path
        self.uuid = uuid
        self.dir = os.path.join(instances_path, uuid)
        self.resize_dir = self.dir + '_resize'

    def path(self, name):
        return os.path.join(self.dir, name)

    @property
    def root(self):
        return self.path('disk')

    @property
    def ephemeral(self):
        return self.path('disk.eph0')

    @property
    def swap(self):
        return self.path('disk.swap')

    @property
    def rescue_root(self):
        return self.path('disk.rescue')

    @property
    def console_log(self):
        return self.path('console.log')

    def ensure_dir(self):
        os.makedirs(self.dir, exist_ok=True)

    def create_disks(self, root_backing, flavor):
        """Root overlay (and ephemeral, swap) for flavor; existing files
        are kept, so a retried spawn or a hard reboot reuses them."""
        self.ensure_dir()
        if not os.path.exists(self.root):
            create_overlay(root_backing, self.root, flavor.root_gb * GiB)
        if flavor.ephemeral_gb and not os.path.exists(self.ephemeral):
            create_blank(self.ephemeral, flavor.ephemeral_gb * GiB)
        if flavor.swap and not os.path.exists(self.swap):
            create_blank(self.swap, flavor.swap * MiB)

    def trim_console_log(self, max_bytes):
        """Keep the log's last max_bytes (called before each start, while
        QEMU does not hold the file)."""
        try:
            size = os.path.getsize(self.console_log)
        except FileNotFoundError:
            return
        if size <= max_bytes:
            return
        with open(self.console_log, 'rb') as log:
            log.seek(size - max_bytes)
            tail = log.read()
        with open(self.console_log, 'wb') as log:
            log.write(tail)

    def read_console_log(self):
        try:
            with open(self.console_log, 'rb') as log:
                return log.read()
        except FileNotFoundError:
            raise exception.ConsoleNotAvailable() from None

    def remove(self):
        for path in (self.dir, self.resize_dir):
            shutil.rmtree(path, ignore_errors=True)
