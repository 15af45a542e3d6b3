#!/usr/bin/env python3
"""Build the offline test image: a kernel, an initramfs and a root disk.

Everything comes from Debian packages already on this machine (run
tools/libvirt/setup.sh first): the kernel of ``linux-image-amd64``, its
virtio and ext4 modules, and ``busybox-static``. Nothing is downloaded.

The result is an AMI-style set under the cache directory::

    <cache>/<key>/vmlinux       the uncompressed kernel (an ELF booted
                                through its PVH entry: ~2x faster under TCG
                                than the compressed bzImage)
    <cache>/<key>/initramfs.gz  busybox + modules; /init prints the marker
    <cache>/<key>/root.qcow2    a 64 MiB ext4 disk with /nova-test-image
    <cache>/<key>/manifest.json paths, formats, kernel command line

The guest's /init loads virtio and ext4, prints ``NOVA-TEST-IMAGE BOOTED``
on the serial console, mounts /dev/vda (printing the disk's stamp), starts
busybox acpid so an ACPI power button (a soft reboot or a clean shutdown
through libvirt) powers it off, and runs udhcpc on eth0 when there is one.

Usage: build_test_image.py [--cache-dir DIR] [--force]; prints the
manifest's path. The cache key covers the kernel version and this script,
so a second run returns at once.
"""
import argparse
import gzip
import hashlib
import io
import json
import lzma
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

MARKER = 'NOVA-TEST-IMAGE BOOTED'
ROOT_STAMP = 'NOVA-TEST-IMAGE ROOT DISK'
READY = 'nova-test-image: ready'    # the last line of every boot
MODULES = ('virtio_pci', 'virtio_blk', 'virtio_net', 'ext4', 'button',
           'evdev')
CMDLINE = 'console=ttyS0 quiet loglevel=3 panic=-1 tsc=unstable'
DEFAULT_CACHE = os.environ.get(
    'NOVA_TEST_IMAGE_DIR',
    os.path.join(os.path.expanduser('~'), '.cache', 'nova-test-image'))

INIT_SCRIPT = r'''#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /etc/modules.order); do insmod "$m" 2>/dev/null; done
acpid -c /etc/acpi -l /dev/null -p /run/acpid.pid
echo "@MARKER@ $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)" > /dev/console
mdev -s
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.1; done
if [ -b /dev/vda ] && mount -t ext4 /dev/vda /mnt 2>/dev/null; then
    echo "disk vda: $(cat /mnt/nova-test-image 2>/dev/null)" > /dev/console
fi
[ -b /dev/vdb ] && echo "disk vdb present" > /dev/console
if ip link show eth0 >/dev/null 2>&1; then
    ip link set lo up
    ip link set eth0 up
    udhcpc -i eth0 -t 5 -T 1 -n -q -s /etc/udhcpc.sh >/dev/console 2>&1 &
fi
echo "@READY@" > /dev/console
while true; do sleep 3600; done
'''.replace('@MARKER@', MARKER).replace('@READY@', READY)

# busybox acpid runs /etc/acpi/<action> for the power button event; the
# guest powers off, which libvirt turns into a reboot or a clean shutdown.
POWER_SCRIPT = '''#!/bin/sh
echo "nova-test-image: power button, powering off" > /dev/console
sync
umount /mnt 2>/dev/null
poweroff -f
'''

UDHCPC_SCRIPT = '''#!/bin/sh
case "$1" in
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}"
    echo "nova-test-image: $interface has address $ip" > /dev/console
    ;;
esac
'''


def log(message):
    print('build_test_image: %s' % message, file=sys.stderr)


def find_kernel():
    """(version, path) of the newest installed Debian kernel."""
    kernels = sorted(pathlib.Path('/boot').glob('vmlinuz-*'))
    if not kernels:
        raise SystemExit('no /boot/vmlinuz-*: install linux-image-amd64 '
                         '(tools/libvirt/setup.sh)')
    path = kernels[-1]
    return path.name[len('vmlinuz-'):], path


def extract_vmlinux(bzimage):
    """The ELF kernel inside a bzImage (xz or gzip payload)."""
    data = bzimage.read_bytes()
    for magic, opener in ((b'\xfd7zXZ\x00', _unxz), (b'\x1f\x8b\x08', _ungz)):
        start = data.find(magic)
        while start != -1:
            try:
                elf = opener(data[start:])
            except (lzma.LZMAError, OSError, EOFError):
                elf = b''
            if elf.startswith(b'\x7fELF'):
                return elf
            start = data.find(magic, start + 1)
    return None


def _unxz(blob):
    return lzma.LZMADecompressor().decompress(blob)


def _ungz(blob):
    import zlib
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(blob)


def module_paths(version):
    """Module files to load, dependencies first, each once."""
    seen = []
    for module in MODULES:
        out = subprocess.run(
            ['modprobe', '-S', version, '--show-depends', module],
            check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if parts[:1] == ['insmod'] and parts[1] not in seen:
                seen.append(parts[1])
    return seen


def read_module(path):
    data = pathlib.Path(path).read_bytes()
    if path.endswith('.xz'):
        data = lzma.decompress(data)
    elif path.endswith('.zst'):
        data = subprocess.run(['zstd', '-dc', path], check=True,
                              capture_output=True).stdout
    return data


class Cpio:
    """A newc cpio archive written in memory (no cpio tool, no root)."""

    def __init__(self):
        self._out = io.BytesIO()
        self._ino = 1

    def _entry(self, name, mode, data=b''):
        header = '070701' + ''.join('%08X' % v for v in (
            self._ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0,
            len(name) + 1, 0))
        self._ino += 1
        self._out.write(header.encode() + name.encode() + b'\0')
        self._pad()
        self._out.write(data)
        self._pad()

    def _pad(self):
        self._out.write(b'\0' * (-self._out.tell() % 4))

    def directory(self, name):
        self._entry(name, 0o040755)

    def file(self, name, data, executable=False):
        self._entry(name, 0o100755 if executable else 0o100644, data)

    def symlink(self, name, target):
        self._entry(name, 0o120777, target.encode())

    def node(self, name, mode):
        self._entry(name, mode)

    def finish(self):
        self._entry('TRAILER!!!', 0)
        return self._out.getvalue()


def build_initramfs(version, busybox):
    archive = Cpio()
    for directory in ('bin', 'dev', 'etc', 'etc/acpi', 'etc/acpi/PWRF',
                      'lib', 'lib/modules', 'mnt', 'proc', 'sys', 'tmp',
                      'run'):
        archive.directory(directory)
    archive.node('dev/console', 0o020600)  # filled by the kernel's devtmpfs
    archive.file('bin/busybox', busybox.read_bytes(), executable=True)
    archive.symlink('bin/sh', 'busybox')
    order = []
    for path in module_paths(version):
        name = 'lib/modules/' + os.path.basename(path).split('.ko')[0] + '.ko'
        archive.file(name, read_module(path))
        order.append('/' + name)
    archive.file('etc/modules.order', ('\n'.join(order) + '\n').encode())
    archive.file('init', INIT_SCRIPT.encode(), executable=True)
    archive.file('etc/acpi/PWRF/00000080', POWER_SCRIPT.encode(),
                 executable=True)
    archive.file('etc/udhcpc.sh', UDHCPC_SCRIPT.encode(), executable=True)
    return gzip.compress(archive.finish(), compresslevel=6)


def build_root_disk(dest):
    with tempfile.TemporaryDirectory(prefix='nova-test-root-') as tmp:
        tree = pathlib.Path(tmp, 'tree')
        tree.mkdir()
        (tree / 'nova-test-image').write_text(ROOT_STAMP + '\n')
        raw = pathlib.Path(tmp, 'root.img')
        subprocess.run(['mkfs.ext4', '-q', '-F', '-L', 'nova-root',
                        '-d', str(tree), str(raw), '64M'], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(['qemu-img', 'convert', '-q', '-O', 'qcow2',
                        str(raw), str(dest)], check=True)


def cache_key(version):
    digest = hashlib.sha256(pathlib.Path(__file__).read_bytes())
    digest.update(version.encode())
    return '%s-%s' % (version, digest.hexdigest()[:12])


def build(cache_dir, force=False):
    version, bzimage = find_kernel()
    busybox = pathlib.Path('/bin/busybox')
    if not busybox.exists():
        raise SystemExit('no /bin/busybox: install busybox-static')
    out = pathlib.Path(cache_dir, cache_key(version))
    manifest_path = out / 'manifest.json'
    if manifest_path.exists() and not force:
        return manifest_path
    tmp = pathlib.Path(tempfile.mkdtemp(prefix='.build-', dir=cache_dir))
    try:
        elf = extract_vmlinux(bzimage)
        kernel_name = 'vmlinux' if elf else 'vmlinuz'
        if elf:
            (tmp / kernel_name).write_bytes(elf)
        else:
            log('no ELF kernel inside %s; using the bzImage' % bzimage)
            shutil.copyfile(bzimage, tmp / kernel_name)
        (tmp / 'initramfs.gz').write_bytes(build_initramfs(version, busybox))
        build_root_disk(tmp / 'root.qcow2')
        manifest = {
            'kernel_version': version, 'marker': MARKER,
            'root_stamp': ROOT_STAMP, 'ready': READY, 'cmdline': CMDLINE,
            'kernel': str(out / kernel_name),
            'ramdisk': str(out / 'initramfs.gz'),
            'root_disk': str(out / 'root.qcow2'),
        }
        (tmp / 'manifest.json').write_text(json.dumps(manifest, indent=2))
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return manifest_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cache-dir', default=DEFAULT_CACHE)
    parser.add_argument('--force', action='store_true',
                        help='rebuild even when the cache has this version')
    args = parser.parse_args(argv)
    os.makedirs(args.cache_dir, exist_ok=True)
    print(build(args.cache_dir, force=args.force))


if __name__ == '__main__':
    main()
