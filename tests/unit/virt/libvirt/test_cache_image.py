"""Image pre-caching on the libvirt driver: the files a boot would fetch
(root converted to qcow2, kernel, ramdisk), in the host's image cache,
against libvirt's test driver (no QEMU)."""
import os

from nova.virt.libvirt import storage
# test_driver skips the module without libvirt-python or qemu-img.
from tests.unit.virt.libvirt.test_driver import conf  # noqa: F401
from tests.unit.virt.libvirt.test_driver import drv  # noqa: F401
from tests.unit.virt.libvirt.test_driver import image  # noqa: F401
from tests.unit.virt.libvirt.test_driver import images  # noqa: F401
from tests.unit.virt.libvirt.test_driver import make_instance


def _base(drv, image_id):
    return os.path.join(drv.instances_path, '_base', image_id)


def test_cache_image_fetches_and_converts_as_a_boot(drv, image):
    assert drv.cache_image(None, image) is True
    assert storage.info(_base(drv, image['id']))['format'] == 'qcow2'
    assert drv.cache_image(None, image) is False
    # A boot then uses the pre-cached file.
    instance = make_instance()
    drv.spawn(None, instance, image)
    root = storage.info(drv.files(instance).root)
    assert root['backing-filename'] == _base(drv, image['id'])


def test_cache_image_fetches_the_kernel_and_ramdisk(drv, images, tmp_path):
    parts = {}
    for name in ('kernel', 'ramdisk', 'root'):
        path = tmp_path / name
        path.write_bytes(name.encode() * 1024)
        parts[name] = path
    kernel = images.add(str(parts['kernel']))
    ramdisk = images.add(str(parts['ramdisk']))
    root = images.add(str(parts['root']), kernel_id=kernel['id'],
                      ramdisk_id=ramdisk['id'])
    assert drv.cache_image(None, root) is True
    for part in (kernel, ramdisk):
        with open(_base(drv, part['id']), 'rb') as f:
            assert f.read() == open(part['path'], 'rb').read()
    os.unlink(_base(drv, ramdisk['id']))
    assert drv.cache_image(None, root) is True   # the ramdisk again
    assert drv.cache_image(None, root) is False
