"""Resize (on the same host) and snapshot of libvirt guests.

A mixin of LibvirtDriver. A resize moves the instance directory aside to
``<uuid>_resize`` (with the domain XML of the old flavor), builds the new
guest from copies of the old disks grown to the new flavor, and either
drops the kept directory (confirm) or puts it back (revert). The driver
does not copy disks between hosts: a resize to another host is refused
with ResizeError (the scheduler is asked for the same host with
``allow_resize_to_same_host``).

A snapshot flattens the root overlay (its backing chain merged) into one
qcow2. A running or paused guest is managed-saved first so QEMU has
flushed everything to the disk, and restored afterwards in the state it
was in.
"""
import json
import os
import shutil

from oslo_log import log as logging

from nova import exception
from nova.objects import fields
from nova.virt import driver
from nova.virt.libvirt import guest_builder
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import storage

LOG = logging.getLogger(__name__)

libvirt = libvirt_host.libvirt
OLD_XML = 'domain.xml'
_COPIED = ('disk', 'disk.eph0', 'disk.swap', 'console.log', 'kernel',
           'ramdisk', guest_builder.BOOT_FILE)


class MoveActions(driver.ResizeCapable, driver.SnapshotCapable):

    # -- resize ------------------------------------------------------------

    def migrate_disk_and_power_off(self, context, instance, migration,
                                   flavor, timeout=0, retry_interval=0):
        if migration.dest_compute and \
                migration.dest_compute != migration.source_compute:
            raise exception.ResizeError(
                reason='the libvirt driver resizes on the same host only '
                       '(it does not copy disks between hosts)')
        if flavor.root_gb < instance.flavor.root_gb or \
                flavor.ephemeral_gb < instance.flavor.ephemeral_gb:
            raise exception.ResizeError(reason='Unable to resize disk down.')
        files = self.files(instance)
        self.power_off(instance, timeout, retry_interval)
        domain = self.host.lookup(instance.uuid)
        if os.path.exists(files.resize_dir):
            shutil.rmtree(files.resize_dir)  # a resize that failed before
        xml = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        os.rename(files.dir, files.resize_dir)
        with open(os.path.join(files.resize_dir, OLD_XML), 'w') as out:
            out.write(xml)
        domain.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        return json.dumps({'kept_dir': files.resize_dir})

    def finish_migration(self, context, migration, instance, disk_info,
                         image_meta, power_on=True):
        files = self.files(instance)
        kept = json.loads(disk_info)['kept_dir'] if disk_info else \
            files.resize_dir
        files.ensure_dir()
        for name in _COPIED:
            source = os.path.join(kept, name)
            if os.path.exists(source) and not os.path.exists(
                    files.path(name)):
                shutil.copyfile(source, files.path(name))
        flavor = instance.flavor
        storage.grow(files.root, flavor.root_gb * storage.GiB)
        if os.path.exists(files.ephemeral):
            storage.grow(files.ephemeral, flavor.ephemeral_gb * storage.GiB)
        elif flavor.ephemeral_gb:
            storage.create_blank(files.ephemeral,
                                 flavor.ephemeral_gb * storage.GiB)
        if flavor.swap and not os.path.exists(files.swap):
            storage.create_blank(files.swap, flavor.swap * storage.MiB)
        guest = guest_builder.build(self.conf, instance, files)
        domain = self.host.define(guest.to_xml())
        if power_on:
            self.restart_guest(instance, files, domain)

    def confirm_migration(self, context, migration, instance):
        shutil.rmtree(self.files(instance).resize_dir, ignore_errors=True)

    def cleanup_migration_destination(self, context, migration, instance):
        files = self.files(instance)
        if not os.path.exists(files.resize_dir):
            return  # nothing kept: the resized guest is all there is
        self._remove_guest(instance.uuid)
        shutil.rmtree(files.dir, ignore_errors=True)

    def finish_revert_migration(self, context, migration, instance,
                                power_on=True):
        files = self.files(instance)
        if os.path.exists(files.resize_dir):
            if os.path.exists(files.dir):
                self._remove_guest(instance.uuid)
                # Keep the console output the resized guest wrote.
                if os.path.exists(files.console_log):
                    shutil.copyfile(files.console_log, os.path.join(
                        files.resize_dir, 'console.log'))
                shutil.rmtree(files.dir)
            os.rename(files.resize_dir, files.dir)
        saved = files.path(OLD_XML)
        if os.path.exists(saved):
            with open(saved) as source:
                domain = self.host.define(source.read())
            os.unlink(saved)
        else:
            guest = guest_builder.build(self.conf, instance, files)
            domain = self.host.define(guest.to_xml())
        if power_on and not domain.isActive():
            self.restart_guest(instance, files, domain)

    # -- snapshot ----------------------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state,
                 workdir):
        files = self.files(instance)
        domain = self.host.lookup(instance.uuid)
        state = self.power_state(domain)
        saved_here = state in (fields.PowerState.RUNNING,
                               fields.PowerState.PAUSED)
        if saved_here:
            flags = libvirt.VIR_DOMAIN_SAVE_PAUSED if \
                state == fields.PowerState.PAUSED else 0
            domain.managedSave(flags)
        dest = os.path.join(workdir, '%s.qcow2' % image_id)
        try:
            storage.flatten(files.root, dest)
            update_task_state(
                task_state=fields.TaskState.IMAGE_PENDING_UPLOAD)
        finally:
            if saved_here:
                self.restart_guest(instance, files, domain)
                if state == fields.PowerState.PAUSED and \
                        self.power_state(domain) != state:
                    domain.suspend()
        return driver.SnapshotFile(path=dest, disk_format='qcow2',
                                   container_format='bare')
