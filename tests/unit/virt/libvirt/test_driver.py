"""The libvirt driver against libvirt's own test driver (test:///<node>):
a private in-process hypervisor with our CPU and memory figures, real
domain definitions and state changes, no QEMU. Disks are real qcow2 files
made by qemu-img; tests skip without libvirt-python or qemu-img."""
import hashlib
import os
import shutil
import time
import uuid

import os_traits
import pytest

from nova import conf as nova_conf
from nova import exception
from nova import objects
from nova.objects import fields
from nova.virt import driver as virt_driver

libvirt = pytest.importorskip('libvirt')
if shutil.which('qemu-img') is None:
    pytest.skip('qemu-img is not installed', allow_module_level=True)

from nova.virt.libvirt import driver as libvirt_driver  # noqa: E402
from nova.virt.libvirt import storage  # noqa: E402

P = fields.PowerState
NODE_XML = """<node>
  <cpu><mhz>2000</mhz><model>x86_64</model><active>6</active><nodes>1</nodes>
       <sockets>1</sockets><cores>6</cores><threads>1</threads></cpu>
  <memory>4194304</memory>
</node>
"""


class ImageService:
    """The image facade's download/get, serving files of this test."""

    def __init__(self):
        self.images = {}

    def add(self, path, **properties):
        data = open(path, 'rb').read()
        image = {'id': str(uuid.uuid4()), 'size': len(data),
                 'checksum': hashlib.md5(data).hexdigest(),
                 'properties': properties, 'path': path}
        self.images[image['id']] = image
        return image

    def get(self, context, image_id):
        return self.images[image_id]

    def download(self, context, image_id, dest_path=None):
        yield open(self.images[image_id]['path'], 'rb').read()


@pytest.fixture
def conf(tmp_path):
    node = tmp_path / 'node.xml'
    node.write_text(NODE_XML)
    return nova_conf.build_conf(overrides={
        'instances_path': str(tmp_path / 'instances'),
        'libvirt.connection_uri': 'test://' + str(node)})


@pytest.fixture
def images(tmp_path):
    return ImageService()


@pytest.fixture
def drv(conf, images):
    drv = libvirt_driver.LibvirtDriver(conf)
    drv.init_host('host1')
    api, cache = drv.image_cache()
    drv._image_api = cache.image_api = images
    yield drv
    drv.host.close()


@pytest.fixture
def image(tmp_path, images):
    path = tmp_path / 'image.raw'
    path.write_bytes(b'\0' * 1024 * 1024)
    return images.add(str(path))


def make_instance(root_gb=1, ephemeral_gb=0, swap=0):
    objects.register_all()
    flavor = objects.Flavor(name='tiny', memory_mb=128, vcpus=1,
                            root_gb=root_gb, ephemeral_gb=ephemeral_gb,
                            swap=swap, flavorid='1')
    return objects.Instance(uuid=str(uuid.uuid4()), display_name='vm',
                            flavor=flavor, project_id='p', user_id='u')


def state(drv, instance):
    return drv.get_info(instance).state


def test_host_resources_come_from_libvirt(drv, conf):
    res = drv.get_host_resources('host1')
    assert (res.vcpus, res.memory_mb) == (6, 4096)
    assert res.local_gb > 0
    assert drv.get_available_nodes() == [conf.host]
    traits = drv.get_traits('host1')
    assert {'COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_NODE'} <= set(traits)
    # only standard names (the test driver's i686 has no os-traits name)
    assert set(traits) <= set(os_traits.get_traits())
    assert drv.capabilities['supports_image_type_qcow2']


def test_declares_every_action_capability(drv):
    for name in virt_driver.CAPABILITIES:
        assert virt_driver.supports(drv, name), name


def test_spawn_makes_an_overlay_on_the_converted_cached_image(drv, image):
    instance = make_instance(root_gb=2, ephemeral_gb=1, swap=64)
    drv.spawn(None, instance, image)
    assert state(drv, instance) == P.RUNNING
    files = drv.files(instance)
    cached = os.path.join(drv.instances_path, '_base', image['id'])
    assert storage.info(cached)['format'] == 'qcow2'   # raw converted once
    root = storage.info(files.root)
    assert root['backing-filename'] == cached
    assert root['virtual-size'] == 2 * storage.GiB
    assert storage.info(files.ephemeral)['virtual-size'] == storage.GiB
    assert storage.info(files.swap)['virtual-size'] == 64 * storage.MiB
    assert drv.list_instance_uuids() == [instance.uuid]


def test_power_pause_suspend_and_reboot(drv, image):
    instance = make_instance()
    drv.spawn(None, instance, image)
    drv.pause(instance)
    assert state(drv, instance) == P.PAUSED
    drv.unpause(instance)
    drv.suspend(None, instance)
    assert state(drv, instance) == P.SUSPENDED
    drv.resume(None, instance)
    assert state(drv, instance) == P.RUNNING
    drv.power_off(instance)
    assert state(drv, instance) == P.SHUTDOWN
    drv.power_off(instance)           # idempotent
    drv.power_on(None, instance)
    assert state(drv, instance) == P.RUNNING
    drv.suspend(None, instance)
    drv.reboot(None, instance, 'HARD')  # from any state, saved state dropped
    assert state(drv, instance) == P.RUNNING
    assert not drv.host.lookup(instance.uuid).hasManagedSaveImage(0)


def test_destroy_removes_guest_and_files_and_is_idempotent(drv, image):
    instance = make_instance()
    drv.spawn(None, instance, image)
    drv.suspend(None, instance)
    drv.destroy(None, instance)
    assert not os.path.exists(drv.files(instance).dir)
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(instance)
    drv.destroy(None, instance)


def test_failed_spawn_leaves_nothing(drv, image):
    instance = make_instance()
    image['checksum'] = 'not-the-data'
    with pytest.raises(exception.ImageDataMismatch):
        drv.spawn(None, instance, image)
    assert not os.path.exists(drv.files(instance).dir)
    assert drv.list_instance_uuids() == []


def test_snapshot_is_a_flat_qcow2_and_keeps_the_power_state(drv, image,
                                                            tmp_path):
    instance = make_instance()
    drv.spawn(None, instance, image)
    drv.pause(instance)
    seen = []
    snap = drv.snapshot(None, instance, 'snap', lambda task_state:
                        seen.append(task_state), str(tmp_path))
    assert seen == [fields.TaskState.IMAGE_PENDING_UPLOAD]
    details = storage.info(snap.path)
    assert (snap.disk_format, details['format']) == ('qcow2', 'qcow2')
    assert 'backing-filename' not in details
    assert state(drv, instance) == P.PAUSED


def test_resize_same_host_then_revert(drv, image):
    instance = make_instance()
    drv.spawn(None, instance, image)
    migration = objects.Migration(source_compute='h', dest_compute='h')
    bigger = objects.Flavor(name='big', memory_mb=256, vcpus=2, root_gb=3,
                            ephemeral_gb=0, swap=0, flavorid='2')
    info = drv.migrate_disk_and_power_off(None, instance, migration, bigger)
    old_flavor, instance.flavor = instance.flavor, bigger
    drv.finish_migration(None, migration, instance, info, image)
    assert storage.info(drv.files(instance).root)['virtual-size'] == \
        3 * storage.GiB
    assert drv.host.lookup(instance.uuid).info()[2] == 256 * 1024
    drv.cleanup_migration_destination(None, migration, instance)
    instance.flavor = old_flavor
    drv.finish_revert_migration(None, migration, instance)
    assert state(drv, instance) == P.RUNNING
    assert drv.host.lookup(instance.uuid).info()[2] == 128 * 1024
    assert storage.info(drv.files(instance).root)['virtual-size'] == \
        storage.GiB


def test_resize_refuses_another_host_and_a_smaller_disk(drv, image):
    instance = make_instance(root_gb=2)
    drv.spawn(None, instance, image)
    other = objects.Migration(source_compute='h', dest_compute='h2')
    with pytest.raises(exception.ResizeError):
        drv.migrate_disk_and_power_off(None, instance, other, instance.flavor)
    small = objects.Flavor(name='s', memory_mb=128, vcpus=1, root_gb=1,
                           ephemeral_gb=0, swap=0, flavorid='3')
    same = objects.Migration(source_compute='h', dest_compute='h')
    with pytest.raises(exception.ResizeError):
        drv.migrate_disk_and_power_off(None, instance, same, small)
    assert state(drv, instance) == P.RUNNING


def test_rescue_boots_the_rescue_disk_first(drv, image):
    instance = make_instance()
    drv.spawn(None, instance, image)
    drv.rescue(None, instance, image, 'secret')
    assert drv.is_rescued(instance)
    xml = drv.host.lookup(instance.uuid).XMLDesc(0)
    files = drv.files(instance)
    assert xml.index(files.rescue_root) < xml.index(files.root + "'")
    drv.unrescue(None, instance)
    assert not drv.is_rescued(instance)
    assert files.rescue_root not in drv.host.lookup(instance.uuid).XMLDesc(0)
    assert state(drv, instance) == P.RUNNING


def test_console_output_reads_the_log(drv, image):
    instance = make_instance()
    with pytest.raises(exception.ConsoleNotAvailable):
        drv.get_console_output(None, instance)
    drv.spawn(None, instance, image)
    with open(drv.files(instance).console_log, 'wb') as log:
        log.write(b'hello\n')
    assert drv.get_console_output(None, instance) == b'hello\n'


def test_console_log_is_trimmed_at_start(drv, image, conf):
    conf.set_override('console_log_max_bytes', 4096, group='libvirt')
    instance = make_instance()
    drv.spawn(None, instance, image)
    drv.power_off(instance)
    with open(drv.files(instance).console_log, 'wb') as log:
        log.write(b'x' * 10000 + b'END')
    drv.power_on(None, instance)
    output = drv.get_console_output(None, instance)
    assert len(output) == 4096 and output.endswith(b'END')


def test_orphans_are_reported_and_destroyed_when_configured(drv, image,
                                                            conf):
    kept, orphan = make_instance(), make_instance()
    drv.spawn(None, kept, image)
    drv.spawn(None, orphan, image)
    assert drv.reconcile_orphans([kept.uuid]) == [orphan.uuid]
    assert sorted(drv.list_instance_uuids()) == sorted([kept.uuid,
                                                        orphan.uuid])
    conf.set_override('destroy_orphans', True, group='libvirt')
    drv.reconcile_orphans([kept.uuid])
    assert drv.list_instance_uuids() == [kept.uuid]
    assert not os.path.exists(drv.files(orphan).dir)


def _wait_for(events, event):
    deadline = time.monotonic() + 10
    while event not in events:
        assert time.monotonic() < deadline, events
        time.sleep(0.01)


def test_lifecycle_events_reach_the_listener(drv, image):
    """Each event carries the guest's state when it is delivered."""
    events = []
    drv.register_lifecycle_listener(lambda u, s: events.append((u, s)))
    instance = make_instance()
    drv.spawn(None, instance, image)
    _wait_for(events, (instance.uuid, P.RUNNING))
    drv.power_off(instance)
    _wait_for(events, (instance.uuid, P.SHUTDOWN))
