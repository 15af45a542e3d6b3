"""From an instance (and its files) to a GuestConfig.

How the guest boots is decided once, at spawn, from the image, and kept in
``<instance dir>/boot.json`` (kernel, initrd, cmdline), so later rebuilds
of the domain (hard reboot, resize, unrescue) need neither the image
service nor the image cache: the kernel and initrd of an AMI-style image
are hard-linked into the instance directory and survive cache cleanups.
"""
import json
import os
import shutil

from nova.virt.libvirt import config as vconfig

DOMAIN_PREFIX = 'instance-'
BOOT_FILE = 'boot.json'


def domain_name(uuid):
    return DOMAIN_PREFIX + uuid


def uuid_of_domain_name(name):
    if name.startswith(DOMAIN_PREFIX):
        return name[len(DOMAIN_PREFIX):]
    return None


def cpu_config(conf):
    opts = conf.libvirt
    mode = opts.cpu_mode or ('host-model' if opts.virt_type == 'kvm'
                             else 'none')
    if mode == 'none':
        return None
    return vconfig.GuestCPU(mode=mode, model=opts.cpu_model or None)


def link_or_copy(source, dest):
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def save_boot(files, conf, image_meta, kernel_path=None, initrd_path=None):
    """Record how the guest boots; kernel/initrd are linked into the
    instance directory."""
    boot = {'kernel': None, 'initrd': None, 'cmdline': None}
    if kernel_path:
        boot['kernel'] = files.path('kernel')
        if not os.path.exists(boot['kernel']):
            link_or_copy(kernel_path, boot['kernel'])
        if initrd_path:
            boot['initrd'] = files.path('ramdisk')
            if not os.path.exists(boot['initrd']):
                link_or_copy(initrd_path, boot['initrd'])
        props = (image_meta or {}).get('properties') or {}
        boot['cmdline'] = props.get('os_command_line') or \
            conf.libvirt.kernel_cmdline
    with open(files.path(BOOT_FILE), 'w') as out:
        json.dump(boot, out)
    return boot


def load_boot(files):
    try:
        with open(files.path(BOOT_FILE)) as source:
            return json.load(source)
    except FileNotFoundError:
        return {'kernel': None, 'initrd': None, 'cmdline': None}


def _mac_address(uuid):
    # Stable per instance, in QEMU's locally administered range.
    digits = uuid.replace('-', '')[-6:]
    return '52:54:00:%s:%s:%s' % (digits[0:2], digits[2:4], digits[4:6])


def build(conf, instance, files, boot=None, rescue_boot=None):
    """The GuestConfig of instance with its current flavor.

    rescue_boot: a boot dict for a rescue guest; its root is then
    disk.rescue and the instance's own root disk is attached second.
    """
    flavor = instance.flavor
    boot = rescue_boot or boot or load_boot(files)
    guest = vconfig.GuestConfig(
        name=domain_name(instance.uuid), uuid=instance.uuid,
        memory_mib=flavor.memory_mb, vcpus=flavor.vcpus,
        virt_type=conf.libvirt.virt_type, cpu=cpu_config(conf),
        tb_cache_mib=conf.libvirt.tb_cache_mib,
        os=vconfig.GuestOS(machine=conf.libvirt.machine_type,
                           kernel=boot.get('kernel'),
                           initrd=boot.get('initrd'),
                           cmdline=boot.get('cmdline')),
        serial_log=vconfig.GuestSerialLog(files.console_log),
        metadata=vconfig.NovaMetadata(
            display_name=instance.display_name or '',
            flavor_name=flavor.name or '',
            project_id=instance.project_id or '',
            user_id=instance.user_id or ''))
    roots = [files.rescue_root, files.root] if rescue_boot else [files.root]
    extra = [p for p in (files.ephemeral, files.swap) if os.path.exists(p)]
    for index, path in enumerate(roots + extra):
        guest.disks.append(vconfig.GuestDisk(
            source_path=path, target_dev='vd' + 'abcdefgh'[index],
            serial=instance.uuid[:20] if path == files.root else None))
    if conf.libvirt.network:
        guest.interfaces.append(vconfig.GuestInterface(
            network=conf.libvirt.network,
            mac_address=_mac_address(instance.uuid)))
    return guest
