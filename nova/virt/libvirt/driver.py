"""The libvirt driver: QEMU guests through libvirt.

The core contract (spawn, destroy, get_info, host resources) lives here;
the server-action capabilities are mixins: power, pause, suspend, console
and rescue in actions.py, resize and snapshot in migration.py. Domains are
persistent (defined) and named ``instance-<uuid>``; their XML comes from
typed config objects (config.py, guest_builder.py); their disks are qcow2
overlays on the host image cache (storage.py). See doc/operator/libvirt.rst.
"""
import os
import threading
import time

from oslo_log import log as logging

from nova import exception
from nova.objects import fields
from nova.virt import driver
from nova.virt.libvirt import actions
from nova.virt.libvirt import guest_builder
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import migration
from nova.virt.libvirt import resources
from nova.virt.libvirt import storage

LOG = logging.getLogger(__name__)

libvirt = libvirt_host.libvirt
DEFAULT_URI = 'qemu:///system'


class LibvirtDriver(actions.GuestActions, migration.MoveActions,
                    driver.LifecycleEventSource, driver.ImageCacheCapable,
                    driver.ComputeDriver):
    # Read by the resource tracker: image types -> COMPUTE_IMAGE_TYPE_*.
    capabilities = resources.capabilities_dict()

    def __init__(self, conf):
        super().__init__(conf)
        libvirt_host.require_libvirt()
        self.uri = conf.libvirt.connection_uri or DEFAULT_URI
        self.host = libvirt_host.Host(self.uri, self._emit_lifecycle)
        self._listeners = []
        self._image_api = None
        self._image_cache = None
        self._cache_lock = threading.Lock()

    # -- plumbing ----------------------------------------------------------

    @property
    def instances_path(self):
        # Absolute: libvirt wants absolute disk paths, and a qcow2 overlay
        # reads a relative backing name relative to its own directory
        # (tools/run.sh's state_path is ./var).
        return os.path.abspath(self.conf.instances_path)

    def files(self, instance_or_uuid):
        uuid = getattr(instance_or_uuid, 'uuid', instance_or_uuid)
        return storage.InstanceFiles(self.instances_path, uuid)

    def image_cache(self):
        """(image facade, host image cache), built on first use (a
        compute's object indirection is in place only by then)."""
        with self._cache_lock:
            if self._image_cache is None:
                from nova.compute import image_cache
                from nova.image import api as image_api
                self._image_api = image_api.API(self.conf)
                self._image_cache = image_cache.ImageCache(
                    self.conf, self._image_api)
        return self._image_api, self._image_cache

    def register_lifecycle_listener(self, listener):
        self._listeners.append(listener)

    def _emit_lifecycle(self, uuid, power_state):
        for listener in list(self._listeners):
            try:
                listener(uuid, power_state)
            except Exception:
                LOG.exception('Lifecycle listener failed for %s', uuid)

    # -- host --------------------------------------------------------------

    def init_host(self, host):
        self.host.get_connection()
        os.makedirs(self.instances_path, exist_ok=True)
        virt_type, version = self.host.hypervisor()
        LOG.info('libvirt driver on %s: %s %s, virt_type %s, instances in '
                 '%s', self.uri, virt_type, version,
                 self.conf.libvirt.virt_type, self.instances_path)

    def get_available_nodes(self):
        return [self.conf.host]

    def get_host_resources(self, nodename):
        return resources.host_resources(self.conf, self.host, nodename)

    def get_traits(self, nodename):
        """os-traits names of this host's hypervisor capabilities."""
        return resources.traits(self.conf, self.host)

    # -- guests ------------------------------------------------------------

    def spawn(self, context, instance, image_meta):
        files = self.files(instance)
        try:
            boot = self._prepare_disks(context, instance, image_meta, files)
            guest = guest_builder.build(self.conf, instance, files, boot)
            domain = self.host.define(guest.to_xml())
            files.trim_console_log(self.conf.libvirt.console_log_max_bytes)
            domain.create()
        except Exception as exc:
            LOG.warning('Spawn of %s failed (%s); removing its guest and '
                        'files', instance.uuid, exc)
            self._remove_guest(instance.uuid)
            files.remove()
            if isinstance(exc, libvirt.libvirtError):
                raise exception.InstanceSpawnFailure(
                    instance_uuid=instance.uuid, reason=str(exc)) from exc
            raise

    def _prepare_disks(self, context, instance, image_meta, files):
        """Fetch the image (and kernel, ramdisk) into the cache, make the
        instance's disks, and return its boot dict."""
        files.ensure_dir()
        (root_base, kernel, initrd), _ = self._fetch_images(context,
                                                            image_meta)
        files.create_disks(root_base, instance.flavor)
        return guest_builder.save_boot(files, self.conf, image_meta,
                                       kernel, initrd)

    def _fetch_images(self, context, image_meta):
        """((root base, kernel, initrd paths), whether any was downloaded
        now): the files a boot of image_meta reads from the cache, the
        root converted to qcow2 once, the kernel and ramdisk as they are."""
        image_api, cache = self.image_cache()
        root_base, downloaded = cache.ensure(
            context, image_meta, convert=storage.convert_to_qcow2)
        props = (image_meta or {}).get('properties') or {}
        kernel = initrd = None
        if props.get('kernel_id'):
            kernel, new = cache.ensure(context, image_api.get(
                context, props['kernel_id']))
            downloaded = downloaded or new
            if props.get('ramdisk_id'):
                initrd, new = cache.ensure(context, image_api.get(
                    context, props['ramdisk_id']))
                downloaded = downloaded or new
        return (root_base, kernel, initrd), downloaded

    def cache_image(self, context, image_meta):
        """Image pre-caching: what a boot of the image fetches (the root
        disk converted to qcow2, its kernel and ramdisk), nothing else."""
        return self._fetch_images(context, image_meta)[1]

    def destroy(self, context, instance):
        self._remove_guest(instance.uuid)
        self.files(instance).remove()

    def _remove_guest(self, uuid):
        """Stop and undefine a domain (with its managed save); idempotent.
        """
        try:
            domain = self.host.lookup(uuid)
        except exception.InstanceNotFound:
            return
        self.hard_stop(domain)
        flags = (libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                 libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
        try:
            domain.undefineFlags(flags)
        except libvirt.libvirtError as exc:
            if libvirt_host.error_code_name(exc) != 'VIR_ERR_NO_DOMAIN':
                raise

    @staticmethod
    def hard_stop(domain, attempts=3):
        """virDomainDestroy, retried: QEMU sometimes needs a moment to die
        (libvirt then says the process is busy)."""
        for attempt in range(attempts):
            try:
                if not domain.isActive():
                    return
                domain.destroy()
                return
            except libvirt.libvirtError as exc:
                code = libvirt_host.error_code_name(exc)
                if code in ('VIR_ERR_NO_DOMAIN', 'VIR_ERR_OPERATION_INVALID'):
                    return
                if attempt == attempts - 1:
                    raise
                time.sleep(1)

    def get_info(self, instance):
        domain = self.host.lookup(instance.uuid)
        return driver.InstanceInfo(state=self.power_state(domain),
                                   internal_id=domain.name())

    @staticmethod
    def power_state(domain):
        state, _ = domain.state()
        saved = (state == libvirt.VIR_DOMAIN_SHUTOFF and
                 domain.hasManagedSaveImage(0))
        return libvirt_host.power_state(state, saved)

    def list_instance_uuids(self):
        uuids = []
        for domain in self.host.list_domains():
            if guest_builder.uuid_of_domain_name(domain.name()):
                uuids.append(domain.UUIDString())
        return uuids

    def reconcile_orphans(self, known_uuids):
        """Report (and with [libvirt] destroy_orphans, destroy) this
        driver's guests no instance of the host owns. Returns their uuids.
        """
        orphans = sorted(set(self.list_instance_uuids()) - set(known_uuids))
        for uuid in orphans:
            if self.conf.libvirt.destroy_orphans:
                LOG.warning('Destroying guest %s: no instance of this host '
                            'owns it', uuid)
                self._remove_guest(uuid)
                self.files(uuid).remove()
            else:
                LOG.warning('Guest %s has no instance on this host; left '
                            'alone ([libvirt] destroy_orphans is off)', uuid)
        return orphans

    def restart_guest(self, instance, files, domain=None):
        """Start a defined guest again from its files (trimming the log)."""
        domain = domain or self.host.lookup(instance.uuid)
        files.trim_console_log(self.conf.libvirt.console_log_max_bytes)
        domain.create()
        return domain

    def power_state_of(self, instance):
        try:
            return self.get_info(instance).state
        except exception.InstanceNotFound:
            return fields.PowerState.NOSTATE
