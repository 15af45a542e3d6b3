"""Typed libvirt domain configuration, rendered to XML with ElementTree.

Each dataclass knows how to write itself as one element; the driver builds
a :class:`GuestConfig` (see guest_builder.py) and never touches XML text.
Only what this driver uses is modelled.
"""
import dataclasses
import typing
import xml.etree.ElementTree as ET

NOVA_NS = 'http://openstack.org/xmlns/libvirt/nova/1.1'


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, tag, {k.rstrip('_'): str(v)
                                          for k, v in attrs.items()
                                          if v is not None})
    if text is not None:
        element.text = str(text)
    return element


@dataclasses.dataclass
class GuestDisk:
    """A file-backed disk (qcow2 or raw)."""
    source_path: str
    target_dev: str                 # vda, vdb...
    driver_format: str = 'qcow2'
    target_bus: str = 'virtio'
    device: str = 'disk'            # or cdrom
    cache: str = 'none'
    serial: typing.Optional[str] = None

    def to_xml(self, parent):
        disk = _sub(parent, 'disk', type='file', device=self.device)
        _sub(disk, 'driver', name='qemu', type=self.driver_format,
             cache=self.cache)
        _sub(disk, 'source', file=self.source_path)
        _sub(disk, 'target', dev=self.target_dev, bus=self.target_bus)
        if self.serial:
            _sub(disk, 'serial', self.serial)
        return disk


@dataclasses.dataclass
class GuestInterface:
    """A virtio NIC on a libvirt network."""
    network: str
    mac_address: str
    model: str = 'virtio'

    def to_xml(self, parent):
        iface = _sub(parent, 'interface', type='network')
        _sub(iface, 'source', network=self.network)
        _sub(iface, 'mac', address=self.mac_address)
        _sub(iface, 'model', type=self.model)
        return iface


@dataclasses.dataclass
class GuestSerialLog:
    """Serial port 0 appended to a file (the console log)."""
    log_path: str

    def to_xml(self, parent):
        serial = _sub(parent, 'serial', type='file')
        _sub(serial, 'source', path=self.log_path, append='on')
        _sub(serial, 'target', port=0)
        # libvirt adds the <console> that aliases serial0 itself.
        return serial


@dataclasses.dataclass
class GuestCPU:
    mode: str                       # custom, host-model, host-passthrough
    model: typing.Optional[str] = None

    def to_xml(self, parent):
        if self.mode == 'custom':
            cpu = _sub(parent, 'cpu', mode='custom', match='exact')
            _sub(cpu, 'model', self.model, fallback='allow')
        else:
            cpu = _sub(parent, 'cpu', mode=self.mode)
        return cpu


@dataclasses.dataclass
class GuestOS:
    """Boot: from the first disk, or a kernel (and initrd) directly."""
    arch: str = 'x86_64'
    machine: str = 'pc'
    kernel: typing.Optional[str] = None
    initrd: typing.Optional[str] = None
    cmdline: typing.Optional[str] = None
    boot_dev: str = 'hd'

    def to_xml(self, parent):
        os_el = _sub(parent, 'os')
        _sub(os_el, 'type', 'hvm', arch=self.arch, machine=self.machine)
        if self.kernel:
            _sub(os_el, 'kernel', self.kernel)
            if self.initrd:
                _sub(os_el, 'initrd', self.initrd)
            if self.cmdline:
                _sub(os_el, 'cmdline', self.cmdline)
        else:
            _sub(os_el, 'boot', dev=self.boot_dev)
        return os_el


@dataclasses.dataclass
class NovaMetadata:
    """Who the guest belongs to, kept in the domain (for operators and for
    init_host's orphan report)."""
    display_name: str
    flavor_name: str
    project_id: str = ''
    user_id: str = ''

    def to_xml(self, parent):
        metadata = _sub(parent, 'metadata')
        instance = _sub(metadata, '{%s}instance' % NOVA_NS)
        _sub(instance, '{%s}name' % NOVA_NS, self.display_name)
        _sub(instance, '{%s}flavor' % NOVA_NS, name=self.flavor_name)
        _sub(instance, '{%s}owner' % NOVA_NS, project=self.project_id,
             user=self.user_id)
        return metadata


@dataclasses.dataclass
class GuestConfig:
    """One whole domain."""
    name: str
    uuid: str
    memory_mib: int
    vcpus: int
    virt_type: str = 'qemu'
    os: GuestOS = dataclasses.field(default_factory=GuestOS)
    cpu: typing.Optional[GuestCPU] = None
    tb_cache_mib: int = 0           # TCG translation cache; 0: default
    disks: list = dataclasses.field(default_factory=list)
    interfaces: list = dataclasses.field(default_factory=list)
    serial_log: typing.Optional[GuestSerialLog] = None
    metadata: typing.Optional[NovaMetadata] = None

    def to_element(self):
        ET.register_namespace('nova', NOVA_NS)
        domain = ET.Element('domain', type=self.virt_type)
        _sub(domain, 'name', self.name)
        _sub(domain, 'uuid', self.uuid)
        if self.metadata:
            self.metadata.to_xml(domain)
        _sub(domain, 'memory', self.memory_mib, unit='MiB')
        _sub(domain, 'vcpu', self.vcpus)
        self.os.to_xml(domain)
        self._features(domain)
        if self.cpu:
            self.cpu.to_xml(domain)
        _sub(domain, 'clock', offset='utc')
        _sub(domain, 'on_poweroff', 'destroy')
        _sub(domain, 'on_reboot', 'restart')
        _sub(domain, 'on_crash', 'destroy')
        devices = _sub(domain, 'devices')
        for device in self.disks + self.interfaces:
            device.to_xml(devices)
        if self.serial_log:
            self.serial_log.to_xml(devices)
        _sub(devices, 'memballoon', model='none')
        return domain

    def _features(self, domain):
        features = _sub(domain, 'features')
        _sub(features, 'acpi')
        _sub(features, 'apic')
        if self.virt_type == 'qemu' and self.tb_cache_mib:
            tcg = _sub(features, 'tcg')
            _sub(tcg, 'tb-cache', self.tb_cache_mib, unit='MiB')

    def to_xml(self):
        element = self.to_element()
        ET.indent(element)
        return ET.tostring(element, encoding='unicode')


def disk_paths(domain_xml):
    """Source files of a domain's disks, in order (from its XML)."""
    root = ET.fromstring(domain_xml)
    return [source.get('file') for source in
            root.findall('./devices/disk/source') if source.get('file')]
