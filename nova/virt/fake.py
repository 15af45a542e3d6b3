"""A driver with no hypervisor: guests are entries in a dict.

Host resources come from ``[fake_driver]``; ``spawn_seconds`` models a slow
hypervisor and ``fail_spawn_names`` makes chosen builds fail, for tests.
Pre-cached images are recorded per host (``cached_images``), not fetched.
"""
import os
import shutil
import subprocess
import threading
import time

from nova import exception
from nova.objects import fields
from nova.virt import driver


class FakeActions(driver.PowerCapable, driver.PauseCapable,
                  driver.SuspendCapable, driver.ConsoleCapable,
                  driver.RescueCapable, driver.ResizeCapable):
    """The server action capabilities of the fake driver (engineer 7).

    Power states change in ``_guests``; each boot writes two lines to an
    in-memory serial log per guest, so a reboot shows the marker twice.
    ``[fake_driver] fail_actions`` (``<name>:<action>``) fails chosen calls
    and ``action_seconds`` slows them down, for tests.
    """
    BOOT_MARKER = 'FAKE-GUEST BOOTED'

    def _actions_init(self):
        self._consoles = self._hypervisor.consoles
        self._rescued = self._hypervisor.rescued
        self._kept = self._hypervisor.kept  # uuid -> set aside by a resize

    def _act(self, instance, action):
        opts = self.conf.fake_driver
        if opts.action_seconds:
            time.sleep(opts.action_seconds)
        if '%s:%s' % (instance.display_name, action) in opts.fail_actions:
            raise exception.InstanceFaultInjected(
                action=action, name=instance.display_name)

    def _console_write(self, instance, text):
        log = self._consoles.setdefault(instance.uuid, bytearray())
        log.extend(text.encode())

    def _boot(self, instance, what='guest'):
        """Mark the guest RUNNING and log a boot; the caller holds _lock."""
        self._guests[instance.uuid] = fields.PowerState.RUNNING
        flavor = instance.flavor
        self._console_write(instance, 'Booting fake %s %s (%d vCPU, %d MiB)'
                            '\n%s\n' % (what, instance.uuid, flavor.vcpus,
                                         flavor.memory_mb, self.BOOT_MARKER))

    def _set_power(self, instance, state, expect=None):
        with self._lock:
            current = self._guests.get(instance.uuid)
            if current is None:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            if expect is not None and current != expect:
                raise exception.InstanceInvalidState(
                    method='fake driver', instance_uuid=instance.uuid,
                    attr='power_state',
                    state=fields.PowerState.NAMES.get(current, current))
            self._guests[instance.uuid] = state

    def _forget(self, instance):
        with self._lock:
            self._consoles.pop(instance.uuid, None)
            self._rescued.discard(instance.uuid)
            self._kept.pop(instance.uuid, None)

    # -- power ---------------------------------------------------------------

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._act(instance, 'power_off')
        self._set_power(instance, fields.PowerState.SHUTDOWN)

    def power_on(self, context, instance):
        self._act(instance, 'power_on')
        with self._lock:
            if instance.uuid not in self._guests:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            if self._guests[instance.uuid] != fields.PowerState.RUNNING:
                self._boot(instance)

    def reboot(self, context, instance, reboot_type):
        self._act(instance, 'reboot')
        with self._lock:
            state = self._guests.get(instance.uuid)
            if reboot_type == 'SOFT' and state != fields.PowerState.RUNNING:
                # A guest that is not running cannot reboot itself; what a
                # real driver reaches after its soft-reboot timeout.
                reboot_type = 'HARD'
            if state is None and reboot_type == 'SOFT':
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            self._console_write(instance, 'fake %s reboot\n'
                                % reboot_type.lower())
            self._boot(instance)

    # -- pause and suspend ---------------------------------------------------

    def pause(self, instance):
        self._act(instance, 'pause')
        self._set_power(instance, fields.PowerState.PAUSED,
                        expect=fields.PowerState.RUNNING)

    def unpause(self, instance):
        self._act(instance, 'unpause')
        self._set_power(instance, fields.PowerState.RUNNING,
                        expect=fields.PowerState.PAUSED)

    def suspend(self, context, instance):
        self._act(instance, 'suspend')
        self._set_power(instance, fields.PowerState.SUSPENDED,
                        expect=fields.PowerState.RUNNING)

    def resume(self, context, instance):
        self._act(instance, 'resume')
        self._set_power(instance, fields.PowerState.RUNNING,
                        expect=fields.PowerState.SUSPENDED)

    # -- console and rescue ---------------------------------------------------

    def get_console_output(self, context, instance):
        self._act(instance, 'get_console_output')
        with self._lock:
            log = self._consoles.get(instance.uuid)
            if log is None:
                raise exception.ConsoleNotAvailable()
            return bytes(log)

    def rescue(self, context, instance, image_meta, rescue_password):
        self._act(instance, 'rescue')
        with self._lock:
            if instance.uuid not in self._guests:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            self._rescued.add(instance.uuid)
            self._boot(instance, what='rescue guest from image %s'
                       % (image_meta or {}).get('id'))

    def unrescue(self, context, instance):
        self._act(instance, 'unrescue')
        with self._lock:
            self._rescued.discard(instance.uuid)
            self._boot(instance)

    def is_rescued(self, instance):
        with self._lock:
            return instance.uuid in self._rescued

    # -- resize ---------------------------------------------------------------

    def migrate_disk_and_power_off(self, context, instance, migration,
                                   flavor, timeout=0, retry_interval=0):
        self._act(instance, 'migrate_disk_and_power_off')
        if flavor.root_gb < instance.flavor.root_gb:
            raise exception.ResizeError(reason='Unable to resize disk down.')
        self._set_power(instance, fields.PowerState.SHUTDOWN)
        with self._lock:
            self._kept[instance.uuid] = instance.flavor.flavorid
        return 'fake-disk:%s' % instance.uuid

    def finish_migration(self, context, migration, instance, disk_info,
                         image_meta, power_on=True):
        self._act(instance, 'finish_migration')
        with self._lock:
            self._boot(instance)
            if not power_on:
                self._guests[instance.uuid] = fields.PowerState.SHUTDOWN

    def confirm_migration(self, context, migration, instance):
        self._act(instance, 'confirm_migration')
        with self._lock:
            self._kept.pop(instance.uuid, None)
            if migration.source_compute != migration.dest_compute:
                self._guests.pop(instance.uuid, None)
                self._consoles.pop(instance.uuid, None)

    def cleanup_migration_destination(self, context, migration, instance):
        with self._lock:
            self._guests.pop(instance.uuid, None)
            if migration.source_compute != migration.dest_compute:
                self._consoles.pop(instance.uuid, None)

    def finish_revert_migration(self, context, migration, instance,
                                power_on=True):
        self._act(instance, 'finish_revert_migration')
        with self._lock:
            self._kept.pop(instance.uuid, None)
            self._boot(instance)
            if not power_on:
                self._guests[instance.uuid] = fields.PowerState.SHUTDOWN


class FakeSnapshot(driver.SnapshotCapable):
    """createImage on the fake driver (engineer 6): the "disk" is a small
    empty qcow2 of the flavor's root size made by ``qemu-img`` when it is
    installed, else a deterministic raw placeholder. ``fail_actions``
    ``<name>:snapshot`` makes it fail."""

    def snapshot(self, context, instance, image_id, update_task_state,
                 workdir):
        self._act(instance, 'snapshot')
        self.get_info(instance)  # InstanceNotFound when the guest is gone
        update_task_state(task_state=fields.TaskState.IMAGE_PENDING_UPLOAD)
        path = os.path.join(workdir, 'disk')
        qemu_img = shutil.which('qemu-img')
        if qemu_img:
            subprocess.run(
                [qemu_img, 'create', '-q', '-f', 'qcow2', path,
                 '%dG' % max(instance.root_gb or 0, 1)],
                check=True, capture_output=True, timeout=60)
            return driver.SnapshotFile(path, 'qcow2')
        with open(path, 'wb') as out:
            out.write(('fake snapshot of %s\n' % instance.uuid).encode()
                      .ljust(4096, b'\0'))
        return driver.SnapshotFile(path, 'raw')


class FakeImageCache(driver.ImageCacheCapable):
    """Image pre-caching on the fake driver: the image id is recorded as
    cached on this host (see cached_images()), nothing is downloaded."""

    def cache_image(self, context, image_meta):
        with self._lock:
            new = image_meta['id'] not in self._hypervisor.cached_images
            self._hypervisor.cached_images.add(image_meta['id'])
        return new


class _Hypervisor:
    """What a fake host keeps across restarts of its compute service."""

    def __init__(self):
        self.lock = threading.Lock()
        self.guests = {}
        self.consoles = {}
        self.rescued = set()
        self.kept = {}
        self.cached_images = set()


# Guests outlive a restart of the compute service, as a real hypervisor's
# do; keyed by (transport_url, host) so that separate stacks in one
# process never share guests.
_HYPERVISORS = {}
_HYPERVISORS_LOCK = threading.Lock()


def _hypervisor(conf):
    with _HYPERVISORS_LOCK:
        return _HYPERVISORS.setdefault((conf.transport_url, conf.host),
                                       _Hypervisor())


def cached_images(transport_url, host):
    """Ids of the images pre-cached on a fake host (for tests)."""
    with _HYPERVISORS_LOCK:
        hypervisor = _HYPERVISORS.get((transport_url, host))
    if hypervisor is None:
        return set()
    with hypervisor.lock:
        return set(hypervisor.cached_images)


class FakeDriver(FakeSnapshot, FakeImageCache, FakeActions,
                 driver.ComputeDriver):
    def __init__(self, conf):
        super().__init__(conf)
        self._hypervisor = _hypervisor(conf)
        self._guests = self._hypervisor.guests
        self._lock = self._hypervisor.lock
        self._nodename = conf.host
        self._actions_init()

    # Image formats it "boots" (traits COMPUTE_IMAGE_TYPE_*; engineer 3).
    capabilities = {'supports_image_type_raw': True,
                    'supports_image_type_qcow2': True,
                    'supports_image_type_iso': True,
                    'supports_image_type_ami': True,
                    'supports_image_type_vmdk': True,
                    'supports_image_type_vdi': True,
                    'supports_image_type_vhd': True}

    def get_available_nodes(self):
        return [self._nodename]

    def get_host_resources(self, nodename):
        opts = self.conf.fake_driver
        return driver.HostResources(
            nodename=nodename, vcpus=opts.vcpus, memory_mb=opts.memory_mb,
            local_gb=opts.local_gb, hypervisor_type='fake',
            hypervisor_version=1000)

    def spawn(self, context, instance, image_meta):
        opts = self.conf.fake_driver
        if opts.spawn_seconds:
            time.sleep(opts.spawn_seconds)
        if instance.display_name in opts.fail_spawn_names:
            raise exception.InstanceSpawnFailure(
                instance_uuid=instance.uuid,
                reason='the fake driver was told to fail this build')
        if self._nodename in opts.fail_spawn_hosts:
            raise exception.InstanceSpawnFailure(
                instance_uuid=instance.uuid,
                reason='the fake driver was told to fail builds on %s'
                % self._nodename)
        with self._lock:
            self._boot(instance)

    def destroy(self, context, instance):
        with self._lock:
            self._guests.pop(instance.uuid, None)
        self._forget(instance)

    def get_info(self, instance):
        with self._lock:
            state = self._guests.get(instance.uuid)
        if state is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return driver.InstanceInfo(state=state, internal_id=instance.uuid)

    def list_instance_uuids(self):
        with self._lock:
            return list(self._guests)
