"""Power, pause, suspend, console and rescue of libvirt guests.

A mixin of LibvirtDriver (it uses its ``host``, ``files()``, ``conf``,
``hard_stop`` and ``restart_guest``). Suspend is libvirt's managed save:
the guest's memory goes to a file libvirt keeps, the domain is shut off,
and the next start restores it.
"""
import os
import time

from oslo_log import log as logging

from nova import exception
from nova.virt import driver
from nova.virt.libvirt import guest_builder
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import storage

LOG = logging.getLogger(__name__)

libvirt = libvirt_host.libvirt
UNRESCUE_XML = 'unrescue.xml'
_POLL = 0.2
_SOFT_REBOOT_RETRY = 3


def wait_inactive(domain, seconds):
    """True once the domain is shut off, False if still active after
    seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if not domain.isActive():
                return True
        except libvirt.libvirtError:
            return True  # gone
        time.sleep(_POLL)
    return not domain.isActive()


class GuestActions(driver.PowerCapable, driver.PauseCapable,
                   driver.SuspendCapable, driver.ConsoleCapable,
                   driver.RescueCapable):

    # -- helpers -----------------------------------------------------------

    def _ensure_defined(self, instance):
        """The domain; defined again from the instance's files when libvirt
        lost it (someone ran virsh undefine) but the disks are there."""
        try:
            return self.host.lookup(instance.uuid)
        except exception.InstanceNotFound:
            files = self.files(instance)
            if not os.path.exists(files.root):
                raise
            LOG.warning('Guest %s was not defined; defining it again from '
                        'its files', instance.uuid)
            guest = guest_builder.build(self.conf, instance, files)
            return self.host.define(guest.to_xml())

    def _fail(self, action, instance, exc):
        raise exception.LibvirtGuestError(
            action=action, instance_uuid=instance.uuid,
            reason=str(exc)) from exc

    def _clean_shutdown(self, domain, timeout, retry_interval):
        """Ask the guest (ACPI) to power off, again every retry_interval;
        True when it did within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                domain.shutdown()
            except libvirt.libvirtError:
                return not domain.isActive()
            wait = min(retry_interval or timeout, deadline - time.monotonic())
            if wait_inactive(domain, max(wait, 0)):
                return True
        return False

    # -- power -------------------------------------------------------------

    def power_off(self, instance, timeout=0, retry_interval=0):
        domain = self.host.lookup(instance.uuid)
        if not domain.isActive():
            return
        if timeout > 0 and self._clean_shutdown(domain, timeout,
                                                retry_interval):
            return
        if timeout > 0:
            LOG.warning('Guest %s did not shut down within %ss; powering it '
                        'off', instance.uuid, timeout)
        self.hard_stop(domain)

    def power_on(self, context, instance):
        domain = self._ensure_defined(instance)
        if domain.isActive():
            return
        try:
            self.restart_guest(instance, self.files(instance), domain)
        except libvirt.libvirtError as exc:
            self._fail('start', instance, exc)

    def reboot(self, context, instance, reboot_type):
        if reboot_type == 'SOFT' and self._soft_reboot(instance):
            return
        self._hard_reboot(instance)

    def _soft_reboot(self, instance):
        """Shut the guest down cleanly and start it again; False when it
        is not running or ignored the request within soft_reboot_wait."""
        try:
            domain = self.host.lookup(instance.uuid)
            if domain.state()[0] != libvirt.VIR_DOMAIN_RUNNING:
                return False
        except (exception.InstanceNotFound, libvirt.libvirtError):
            return False
        # Asked again every few seconds: a guest still booting misses an
        # ACPI button pressed before its handler runs.
        if not self._clean_shutdown(domain, self.conf.libvirt.soft_reboot_wait,
                                    _SOFT_REBOOT_RETRY):
            LOG.warning('Guest %s ignored the soft reboot for %ss; '
                        'rebooting it hard', instance.uuid,
                        self.conf.libvirt.soft_reboot_wait)
            return False
        self.restart_guest(instance, self.files(instance), domain)
        return True

    def _hard_reboot(self, instance):
        """From any state: stop, drop a saved state, define the guest
        afresh from its files (unless rescued) and start it."""
        domain = self._ensure_defined(instance)
        self.hard_stop(domain)
        if domain.hasManagedSaveImage(0):
            domain.managedSaveRemove(0)
        files = self.files(instance)
        if not self.is_rescued(instance):
            guest = guest_builder.build(self.conf, instance, files)
            domain = self.host.define(guest.to_xml())
        try:
            self.restart_guest(instance, files, domain)
        except libvirt.libvirtError as exc:
            self._fail('reboot', instance, exc)

    # -- pause and suspend -------------------------------------------------

    def pause(self, instance):
        try:
            self.host.lookup(instance.uuid).suspend()
        except libvirt.libvirtError as exc:
            self._fail('pause', instance, exc)

    def unpause(self, instance):
        try:
            self.host.lookup(instance.uuid).resume()
        except libvirt.libvirtError as exc:
            self._fail('unpause', instance, exc)

    def suspend(self, context, instance):
        try:
            self.host.lookup(instance.uuid).managedSave(0)
        except libvirt.libvirtError as exc:
            self._fail('suspend', instance, exc)

    def resume(self, context, instance):
        domain = self.host.lookup(instance.uuid)
        try:
            self.restart_guest(instance, self.files(instance), domain)
        except libvirt.libvirtError as exc:
            self._fail('resume', instance, exc)

    # -- console -----------------------------------------------------------

    def get_console_output(self, context, instance):
        return self.files(instance).read_console_log()

    # -- rescue ------------------------------------------------------------

    def is_rescued(self, instance):
        return os.path.exists(self.files(instance).path(UNRESCUE_XML))

    def rescue(self, context, instance, image_meta, rescue_password):
        files = self.files(instance)
        domain = self._ensure_defined(instance)
        saved = files.path(UNRESCUE_XML)
        if not os.path.exists(saved):
            with open(saved, 'w') as out:
                out.write(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        self.hard_stop(domain)
        boot = self._prepare_rescue_disk(context, files, image_meta)
        guest = guest_builder.build(self.conf, instance, files,
                                    rescue_boot=boot)
        try:
            domain = self.host.define(guest.to_xml())
            self.restart_guest(instance, files, domain)
        except libvirt.libvirtError as exc:
            self._fail('rescue', instance, exc)

    def _prepare_rescue_disk(self, context, files, image_meta):
        """disk.rescue on the rescue image; the boot dict of the rescue
        guest (the image's own kernel, else the instance's)."""
        image_api, cache = self.image_cache()
        base = cache.fetch(context, image_meta,
                           convert=storage.convert_to_qcow2)
        if os.path.exists(files.rescue_root):
            os.unlink(files.rescue_root)
        storage.create_overlay(base, files.rescue_root, 0)
        props = image_meta.get('properties') or {}
        if not props.get('kernel_id'):
            return guest_builder.load_boot(files) | {'rescue': True}
        boot = {'kernel': files.path('kernel.rescue'), 'initrd': None,
                'cmdline': props.get('os_command_line') or
                self.conf.libvirt.kernel_cmdline, 'rescue': True}
        kernel = cache.fetch(context, image_api.get(context,
                                                    props['kernel_id']))
        if not os.path.exists(boot['kernel']):
            guest_builder.link_or_copy(kernel, boot['kernel'])
        if props.get('ramdisk_id'):
            boot['initrd'] = files.path('ramdisk.rescue')
            ramdisk = cache.fetch(context, image_api.get(
                context, props['ramdisk_id']))
            if not os.path.exists(boot['initrd']):
                guest_builder.link_or_copy(ramdisk, boot['initrd'])
        return boot

    def unrescue(self, context, instance):
        files = self.files(instance)
        saved = files.path(UNRESCUE_XML)
        domain = self.host.lookup(instance.uuid)
        self.hard_stop(domain)
        with open(saved) as source:
            domain = self.host.define(source.read())
        for name in ('disk.rescue', 'kernel.rescue', 'ramdisk.rescue',
                     UNRESCUE_XML):
            try:
                os.unlink(files.path(name))
            except FileNotFoundError:
                pass
        try:
            self.restart_guest(instance, files, domain)
        except libvirt.libvirtError as exc:
            self._fail('unrescue', instance, exc)
