"""The virt driver contract: a small core every driver implements.

Optional capabilities (snapshot, console, migration, volumes) are separate
interfaces a driver opts into, so the core stays small.
"""
import abc
import dataclasses

import stevedore

from nova import exception


@dataclasses.dataclass
class InstanceInfo:
    """What the hypervisor says about one guest."""
    state: int  # a nova.objects.fields.PowerState value
    internal_id: str = ''


@dataclasses.dataclass
class HostResources:
    """The capacity one node offers, as the hypervisor reports it."""
    nodename: str
    vcpus: int
    memory_mb: int
    local_gb: int
    hypervisor_type: str
    hypervisor_version: int
    cpu_info: str = '{}'


class ComputeDriver(abc.ABC):
    """Core contract. Parameters are objects, never opaque dicts."""

    # What the driver can do, reported to placement as traits by the
    # resource tracker: ``supports_image_type_<disk format>`` ->
    # COMPUTE_IMAGE_TYPE_<FORMAT> (a driver naming no image type is taken
    # to support them all). Engineer 3.
    capabilities = {}

    def __init__(self, conf):
        self.conf = conf

    def init_host(self, host):
        """Called once when the compute service starts."""

    @abc.abstractmethod
    def get_available_nodes(self):
        """Names of the nodes this driver manages (usually one)."""

    def get_traits(self, nodename):
        """os-traits names the node has beyond ``capabilities`` (CPU
        architecture and features, firmware, NIC models); the resource
        tracker reports them to placement. Unknown names are dropped."""
        return ()

    @abc.abstractmethod
    def get_host_resources(self, nodename):
        """HostResources of one node."""

    @abc.abstractmethod
    def spawn(self, context, instance, image_meta):
        """Create and start the guest; raise on failure."""

    @abc.abstractmethod
    def destroy(self, context, instance):
        """Stop and remove the guest and its local files; idempotent."""

    @abc.abstractmethod
    def get_info(self, instance):
        """InstanceInfo of a guest; raise InstanceNotFound if absent."""

    @abc.abstractmethod
    def list_instance_uuids(self):
        """uuids of every guest the hypervisor has."""



# -- Server action capabilities (engineer 7; STYLE.md point 9) ---------------
# A driver opts into each by inheriting the class. The compute API refuses an
# action whose capability the host's driver lacks (see supports()). Every
# method is called under the instance's lock, with the instance's task_state
# already set; it either does the whole job or raises (the manager then
# records a fault and restores a sane state). Power states are
# nova.objects.fields.PowerState values.


class PowerCapable(abc.ABC):
    """Stop, start and reboot a guest (os-stop, os-start, reboot)."""

    @abc.abstractmethod
    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest; afterwards get_info() says SHUTDOWN.

        timeout > 0 asks for a clean shutdown: ask the guest (ACPI) to shut
        down, re-asking every retry_interval seconds, and destroy it hard
        only after timeout seconds. timeout == 0 is a hard power off. The
        guest's disks and definition are kept. Idempotent on a stopped
        guest.
        """

    @abc.abstractmethod
    def power_on(self, context, instance):
        """Start a stopped guest from its kept disks; afterwards get_info()
        says RUNNING. Idempotent on a running guest."""

    @abc.abstractmethod
    def reboot(self, context, instance, reboot_type):
        """Reboot the guest; reboot_type is 'SOFT' or 'HARD'.

        SOFT asks the guest to reboot itself (ACPI) and, when it has not
        come back within the driver's soft-reboot timeout, falls back to a
        HARD reboot: that fallback is the driver's job, not the manager's.
        HARD destroys and restarts the guest from its disks; it must work
        from any power state (stopped, paused, suspended, crashed), since
        a hard reboot is how users recover an instance in ERROR. On return
        the guest is RUNNING.
        """


class PauseCapable(abc.ABC):
    """Freeze a guest in memory (pause, unpause)."""

    @abc.abstractmethod
    def pause(self, instance):
        """Stop the guest's vCPUs, keeping its memory; get_info() then says
        PAUSED."""

    @abc.abstractmethod
    def unpause(self, instance):
        """Resume the vCPUs of a paused guest (RUNNING again)."""


class SuspendCapable(abc.ABC):
    """Save a guest's memory to disk and stop it (suspend, resume)."""

    @abc.abstractmethod
    def suspend(self, context, instance):
        """Save the guest's state to this host's disk and stop the guest
        (libvirt: managed save); get_info() then says SUSPENDED."""

    @abc.abstractmethod
    def resume(self, context, instance):
        """Restore a suspended guest from its saved state (RUNNING)."""


class ConsoleCapable(abc.ABC):
    """The guest's serial console log (os-getConsoleOutput)."""

    @abc.abstractmethod
    def get_console_output(self, context, instance):
        """Everything the guest wrote to its serial console since it was
        created, as bytes (the manager keeps the last lines the user asked
        for). The log survives reboots, stop/start and resizes; it may be
        capped to its most recent part. Raise ConsoleNotAvailable when the
        guest has no log."""


class RescueCapable(abc.ABC):
    """Boot a guest from a rescue image with its own disk attached.

    Optional: ``is_rescued(instance) -> bool``; a restarting compute uses it
    to settle an instance caught in rescuing/unrescuing (without it, a
    running guest is taken as not rescued).
    """

    @abc.abstractmethod
    def rescue(self, context, instance, image_meta, rescue_password):
        """Stop the guest and start it again from the rescue image (a dict
        of the image service, the instance's own image when the user named
        none), with the original root disk attached as a second disk; the
        rescue guest is RUNNING. The original definition is kept for
        unrescue. rescue_password is the admin password to inject, where
        the driver can."""

    @abc.abstractmethod
    def unrescue(self, context, instance):
        """Destroy the rescue guest and its rescue disk and start the
        original guest again (RUNNING)."""


class ResizeCapable(abc.ABC):
    """Move a guest to a new flavor, on the same host or another one.

    The manager calls, in order: migrate_disk_and_power_off on the source
    host, finish_migration on the destination; then either
    confirm_migration on the source (keep the new guest) or
    cleanup_migration_destination on the destination followed by
    finish_revert_migration on the source (go back). Source and
    destination may be the same host (allow_resize_to_same_host): the
    driver must then keep the old and new guest's files apart.
    ``migration`` is a Migration object (source_compute, dest_compute,
    uuid, ...); the instance's flavor is the new one from finish_migration
    on and the old one again from finish_revert_migration on.
    """

    @abc.abstractmethod
    def migrate_disk_and_power_off(self, context, instance, migration,
                                   flavor, timeout=0, retry_interval=0):
        """On the source: stop the guest (clean shutdown as in power_off)
        and keep its disks aside for a revert. flavor is the new flavor;
        raise ResizeError when the guest cannot take it (a smaller disk).
        Returns a string the destination's finish_migration receives
        (where the disks are)."""

    @abc.abstractmethod
    def finish_migration(self, context, migration, instance, disk_info,
                         image_meta, power_on=True):
        """On the destination: build the guest with instance.flavor (the
        new flavor) from the disks disk_info names, growing the root disk
        to the new size; start it when power_on (the guest was running
        before the resize), else leave it SHUTDOWN."""

    @abc.abstractmethod
    def confirm_migration(self, context, migration, instance):
        """On the source, after a confirm: delete what was kept for a
        revert. Must not touch the resized guest when it runs on this same
        host. Idempotent."""

    @abc.abstractmethod
    def cleanup_migration_destination(self, context, migration, instance):
        """On the destination, during a revert: destroy the resized guest
        and its new disks, keeping what migrate_disk_and_power_off set
        aside (the same host may be the source). Idempotent."""

    @abc.abstractmethod
    def finish_revert_migration(self, context, migration, instance,
                                power_on=True):
        """On the source, during a revert: restore the guest kept aside
        with instance.flavor (the old flavor again); start it when
        power_on."""


# -- Snapshot capability (engineer 6, images-compute) -------------------------

@dataclasses.dataclass
class SnapshotFile:
    """A guest disk a driver wrote out for a snapshot, ready to upload."""
    path: str                   # a file inside the workdir snapshot() got
    disk_format: str            # 'qcow2' or 'raw' (an Image API disk_format)
    container_format: str = 'bare'


class SnapshotCapable(abc.ABC):
    """Write a guest's root disk out as a new image (createImage).

    The driver only writes a file; the compute's snapshot workflow
    (nova/compute/snapshot.py) uploads it through the image facade, removes
    it, and keeps the task_state, so drivers never talk to the image
    service and an upload failure is handled in one place.
    """

    @abc.abstractmethod
    def snapshot(self, context, instance, image_id, update_task_state,
                 workdir):
        """Write the root disk as it is now to a new file in workdir (an
        empty directory the caller removes afterwards) and return a
        SnapshotFile: one self-contained image, no backing file.

        Call ``update_task_state(task_state=TaskState.IMAGE_PENDING_UPLOAD)``
        once the point in time is captured (the guest may run on from then).
        Works for a running, stopped, paused or suspended guest and leaves
        its power state as it found it. Raise on failure.
        """


class LifecycleEventSource(abc.ABC):
    """A driver that reports guests changing power state on their own
    (engineer 8; the libvirt driver's lifecycle events). The compute's
    power-state sync (nova/compute/power_sync.py) registers a listener."""

    @abc.abstractmethod
    def register_lifecycle_listener(self, listener):
        """Call listener(instance_uuid, power_state) whenever a guest
        changes state. It runs on the driver's event thread: it must not
        block (the sync only queues the uuid)."""


class ImageCacheCapable(abc.ABC):
    """Download an image into the host's image cache ahead of any boot
    (image pre-caching, ``POST /os-aggregates/{id}/images``). A driver
    without it answers 'unsupported' to such a request."""

    @abc.abstractmethod
    def cache_image(self, context, image_meta):
        """Put the image (a dict of the image service) in this host's
        cache as a boot of it would, verified and converted the same way,
        and mark it used now. Return True when this call downloaded it,
        False when it was cached already. Raise on failure."""


CAPABILITIES = {
    'power': PowerCapable, 'pause': PauseCapable, 'suspend': SuspendCapable,
    'console': ConsoleCapable, 'rescue': RescueCapable,
    'resize': ResizeCapable, 'snapshot': SnapshotCapable,
    'image_cache': ImageCacheCapable,
}


def supports(driver, capability):
    """Whether driver implements the named capability (CAPABILITIES)."""
    return isinstance(driver, CAPABILITIES[capability])


def require(driver, capability, instance_uuid):
    """Raise ActionNotSupported unless driver has the capability."""
    if not supports(driver, capability):
        raise exception.ActionNotSupported(
            capability=capability, driver=type(driver).__name__,
            instance_uuid=instance_uuid)


def load_driver(conf):
    try:
        manager = stevedore.DriverManager(
            'nova.compute.drivers', conf.compute_driver,
            invoke_on_load=True, invoke_args=(conf,))
    except Exception as exc:
        raise exception.VirtDriverNotFound(name=conf.compute_driver) from exc
    return manager.driver
