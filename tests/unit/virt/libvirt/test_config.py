"""Domain XML from the typed config objects, checked against golden files
(reviewed by hand once; a change to the XML shows up as a diff here)."""
import pathlib
import xml.etree.ElementTree as ET

from nova.virt.libvirt import config as vconfig

GOLDEN = pathlib.Path(__file__).parent / 'golden'


def _golden(name):
    return (GOLDEN / name).read_text().rstrip('\n')


def test_direct_kernel_boot_under_tcg():
    guest = vconfig.GuestConfig(
        name='instance-x', uuid='5b6e3a4c-0000-4000-8000-000000000001',
        memory_mib=128, vcpus=1, tb_cache_mib=16,
        os=vconfig.GuestOS(kernel='/i/kernel', initrd='/i/ramdisk',
                           cmdline='console=ttyS0'),
        disks=[vconfig.GuestDisk('/i/disk', 'vda',
                                 serial='5b6e3a4c-0000-4000-8'),
               vconfig.GuestDisk('/i/disk.eph0', 'vdb')],
        serial_log=vconfig.GuestSerialLog('/i/console.log'),
        metadata=vconfig.NovaMetadata('vm', 'tiny', 'p', 'u'))
    assert guest.to_xml() == _golden('direct_kernel_qemu.xml')


def test_disk_boot_under_kvm_has_no_tcg_features():
    guest = vconfig.GuestConfig(
        name='instance-y', uuid='5b6e3a4c-0000-4000-8000-000000000002',
        memory_mib=2048, vcpus=2, virt_type='kvm', tb_cache_mib=16,
        cpu=vconfig.GuestCPU('host-model'),
        os=vconfig.GuestOS(machine='q35'),
        disks=[vconfig.GuestDisk('/i/disk', 'vda')],
        interfaces=[vconfig.GuestInterface('default', '52:54:00:00:00:02')],
        serial_log=vconfig.GuestSerialLog('/i/console.log'))
    assert guest.to_xml() == _golden('disk_boot_kvm.xml')


def test_custom_cpu_model():
    root = ET.Element('domain')
    vconfig.GuestCPU('custom', 'qemu64').to_xml(root)
    cpu = root.find('cpu')
    assert (cpu.get('mode'), cpu.findtext('model')) == ('custom', 'qemu64')


def test_values_are_escaped_not_templated():
    guest = vconfig.GuestConfig(
        name='instance-z', uuid='u', memory_mib=64, vcpus=1,
        metadata=vconfig.NovaMetadata('<b>&"x"', 'f'))
    parsed = ET.fromstring(guest.to_xml())
    name = parsed.find('./metadata/{%s}instance/{%s}name' % (
        vconfig.NOVA_NS, vconfig.NOVA_NS))
    assert name.text == '<b>&"x"'


def test_disk_paths_reads_sources_in_order():
    xml = _golden('direct_kernel_qemu.xml')
    assert vconfig.disk_paths(xml) == ['/i/disk', '/i/disk.eph0']
